#!/usr/bin/env bash
# Installs what is missing, builds imgmake (release), and runs it on recipes/demo.
#   scripts/demo.sh [IMGMAKE ARGUMENTS...]     e.g. scripts/demo.sh -j4 --explain
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/deps.sh
imgmake_install_dependencies

echo "==> swift build -c release"
swift build -c release
bin="$(swift build -c release --show-bin-path)/imgmake"

echo "==> imgmake -C recipes/demo $*"
"$bin" -C recipes/demo "$@"

out="$PWD/recipes/demo/build"
cat <<DONE

The outputs are in $out:
  thumbs/             320-pixel WebP thumbnails
  web/                responsive sizes, WebP and AVIF
  marked/             watermarked JPEGs
  contact-sheet.jpg   every thumbnail on one sheet

Run it again: nothing is built. Touch a photo (touch recipes/demo/photos/rocket.jpg) and run it again:
only that photo's 6 outputs are (byte-identical, so not the contact sheet: early cutoff). The binary is $bin.
DONE
