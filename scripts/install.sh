#!/usr/bin/env bash
# Installs imgmake: the binary, the man pages and the bash, zsh and fish completions, under a prefix.
#   scripts/install.sh [--prefix DIR]     from a clone (built with scripts/release.sh first when needed), or from
#                                         an unpacked release tarball (run its own install.sh)
# The default prefix is /usr/local as root and ~/.local otherwise; no root is needed for a prefix of your own.
# Files land in PREFIX/bin, PREFIX/share/man/man1, PREFIX/share/bash-completion/completions,
# PREFIX/share/zsh/vendor-completions (fpath it) and PREFIX/share/fish/vendor_completions.d. At run time imgmake
# needs the system's libvips (libvips42), GLib and readline (libreadline8), not a Swift toolchain.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $(id -u) -eq 0 ]]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
while (($# > 0)); do
    case $1 in
    --prefix) prefix="${2:?--prefix needs a folder}"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (--prefix DIR)" >&2; exit 2 ;;
    esac
done
[[ $prefix == /* ]] || prefix="$PWD/$prefix"

if [[ -x $here/bin/imgmake ]]; then
    # An unpacked release tarball: install.sh sits beside bin/ and share/.
    root="$here"
    binary="$root/bin/imgmake"
    man="$root/share/man/man1"
    bash_completion="$root/share/bash-completion/completions/imgmake"
    zsh_completion="$root/share/zsh/vendor-completions/_imgmake"
    fish_completion="$root/share/fish/vendor_completions.d/imgmake.fish"
else
    # A clone: scripts/install.sh, with the release build made (or reused) by scripts/release.sh.
    root="$(cd "$here/.." && pwd)"
    binary="$("$root/scripts/release.sh" --no-check | tail -n 1)"
    man="$root/man"
    bash_completion="$root/completions/imgmake.bash"
    zsh_completion="$root/completions/_imgmake"
    fish_completion="$root/completions/imgmake.fish"
fi

install -d "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/vendor-completions" "$prefix/share/fish/vendor_completions.d"
install -m 755 "$binary" "$prefix/bin/imgmake"
install -m 644 "$man"/*.1 "$prefix/share/man/man1/"
install -m 644 "$bash_completion" "$prefix/share/bash-completion/completions/imgmake"
install -m 644 "$zsh_completion" "$prefix/share/zsh/vendor-completions/_imgmake"
install -m 644 "$fish_completion" "$prefix/share/fish/vendor_completions.d/imgmake.fish"
version="$("$prefix/bin/imgmake" --version)"
version="${version%%$'\n'*}"  # its first line, `imgmake VERSION` (no `| head`, whose early exit is a SIGPIPE)
echo "installed ${version} in $prefix"

# What to add so that the shell and man find it, when they do not already.
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "  add to PATH:     export PATH=\"$prefix/bin:\$PATH\"" ;; esac
if ! manpath 2>/dev/null | tr ':' '\n' | grep -qx "$prefix/share/man"; then
    echo "  add to MANPATH:  export MANPATH=\"$prefix/share/man:\$(manpath 2>/dev/null)\""
fi
echo "  bash completion: loaded by bash-completion from $prefix/share/bash-completion/completions when XDG_DATA_DIRS has $prefix/share"
echo "  zsh completion:  fpath=($prefix/share/zsh/vendor-completions \$fpath) before compinit"
echo "  fish completion: set -p fish_complete_path $prefix/share/fish/vendor_completions.d"
