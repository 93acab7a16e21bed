#!/usr/bin/env bash
# Thread pool against process pool on one workload: the demo photos repeated to about 100 files, made into
# 320 px WebP thumbnails at Q 80, at -j2 with -B (every run rebuilds everything). Prints hyperfine's figures
# and the ratio process / thread of the mean times; writes nothing outside a temporary folder.
#
# Usage: bench/pool-compare.sh [IMGMAKE]   (default: $IMGMAKE_BIN, else .build/release/imgmake)
#   PHOTOS=DIR  the photos to repeat (default /work/shared/demo-photos)   RUNS=N  timed runs per pool (default 10)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
imgmake=${1:-${IMGMAKE_BIN:-$root/.build/release/imgmake}}
photos=${PHOTOS:-/work/shared/demo-photos}
runs=${RUNS:-10}

[ -x "$imgmake" ] || { echo "pool-compare: no imgmake at $imgmake (swift build -c release, or pass its path)" >&2; exit 2; }
command -v hyperfine >/dev/null || apt-get install -y hyperfine >/dev/null
command -v jq >/dev/null || apt-get install -y jq >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/imgmake-pool-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/photos"

sources=()
for file in "$photos"/*; do
    case "$file" in *.jpg|*.png) sources+=("$file") ;; esac
done
[ ${#sources[@]} -gt 0 ] || { echo "pool-compare: no .jpg or .png in $photos" >&2; exit 2; }
copies=$(( (100 + ${#sources[@]} - 1) / ${#sources[@]} ))
for ((n = 1; n <= copies; n++)); do
    for file in "${sources[@]}"; do
        name=$(basename "$file")
        cp "$file" "$work/photos/$(printf '%02d' "$n")-$name"
    done
done
count=$(ls "$work/photos" | wc -l)

cat > "$work/Imgmakefile" <<'RECIPE'
thumbs: build/{name}.webp <- photos/*.jpg photos/*.png
    thumbnail 320
    save Q=80
RECIPE

echo "imgmake: $imgmake ($("$imgmake" --version)); $count photos from $photos; -j2 -B; $(nproc) cores"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/results.json" \
    --command-name thread "$imgmake -C $work -q -B -j2 --pool thread" \
    --command-name process "$imgmake -C $work -q -B -j2 --pool process"

jq -r --argjson count "$count" '
    (.results | map({(.command): .mean}) | add) as $mean
    | "thread:  \($mean.thread * 1000 | round) ms (\($count / $mean.thread * 10 | round / 10) images/s)",
      "process: \($mean.process * 1000 | round) ms (\($count / $mean.process * 10 | round / 10) images/s)",
      "ratio process / thread: \($mean.process / $mean.thread * 1000 | round / 1000)"
' "$work/results.json"
