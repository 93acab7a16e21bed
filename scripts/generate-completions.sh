#!/bin/sh
# Regenerates the shell completion scripts in completions/ from the command-line definition
# (`imgmake --generate-completion-script SHELL`: bash's is imgmake's own, BashCompletionScript, built from the
# command tree swift-argument-parser exposes; zsh's and fish's are swift-argument-parser's). Run after changing a
# command or an option:
#   scripts/generate-completions.sh            (builds imgmake first)
#   IMGMAKE_BIN=path/to/imgmake scripts/generate-completions.sh
# A test (ShellCompletionScriptTests) fails when the committed scripts differ from freshly generated ones.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${IMGMAKE_BIN:-}" ]; then
    swift build --product imgmake >&2
    IMGMAKE_BIN="$(swift build --show-bin-path)/imgmake"
fi
mkdir -p completions
"$IMGMAKE_BIN" --generate-completion-script bash > completions/imgmake.bash
"$IMGMAKE_BIN" --generate-completion-script zsh > completions/_imgmake
"$IMGMAKE_BIN" --generate-completion-script fish > completions/imgmake.fish
echo "wrote completions/imgmake.bash completions/_imgmake completions/imgmake.fish" >&2
