#!/bin/sh
# Regenerates the manual pages in man/ (imgmake.1 and one page per subcommand, man(7) roff) from the command-line
# definition and the hand-written sections of Sources/ImgmakeCLI/Commands/ManualText.swift (`imgmake
# --generate-manual DIR`, ManualPages). Run after changing a command, an option or ManualText:
#   scripts/generate-manual.sh            (builds imgmake first)
#   IMGMAKE_BIN=path/to/imgmake scripts/generate-manual.sh
# A test (ManualPageTests) fails when the committed pages differ from freshly generated ones.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${IMGMAKE_BIN:-}" ]; then
    swift build --product imgmake >&2
    IMGMAKE_BIN="$(swift build --show-bin-path)/imgmake"
fi
# Pages of subcommands that no longer exist go too.
rm -f man/imgmake.1 man/imgmake-*.1
"$IMGMAKE_BIN" --generate-manual man
