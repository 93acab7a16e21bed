#!/usr/bin/env bash
# Builds the released imgmake: release mode, the Swift runtime and libraries linked in (--static-swift-stdlib),
# so that start-up binds a handful of system libraries (readline, libc, libstdc++) instead of
# the Swift toolchain's; libvips stays behind dlopen (Sources/CVipsLoader) and is loaded only when pixels or
# introspection are needed. Then checks the binary: no Swift library and no libvips linked, --version, a build
# of a copy of recipes/demo with the thread pool and again with the process pool (whose workers re-exec the
# binary), byte-identical outputs, and a no-op.
#   scripts/release.sh                  builds into .build-release/ and prints the binary's path (last line)
#   IMGMAKE_SCRATCH=DIR scripts/release.sh    another scratch folder
#   scripts/release.sh --no-check       build only
#   scripts/release.sh --pie            a position-independent executable (see below), for a distribution
#                                       whose policy requires one; combines with --no-check
#   scripts/release.sh --package        also packs dist/imgmake-VERSION-linux-ARCH.tar.gz (the stripped binary,
#                                       the man pages, the three completion scripts, install.sh, README, LICENSE)
#                                       and dist/imgmake_VERSION_DEBARCH.deb (the same in Debian's places, its
#                                       Depends from dpkg-shlibdeps plus the libraries loaded with dlopen), and
#                                       prints the tarball's path (last line) instead of the binary's
# VERSION is ImgmakeVersion.current (Sources/ImgmakeCore/Support/Version.swift): the one place the version is
# written, which --version, the man pages and the package all take.
# The binary is linked as a fixed-address executable (-no-pie) without the $ORIGIN run path SwiftPM adds:
# with the Swift runtime linked in, a PIE has ~76,000 relative relocations that the loader applies (and the
# pages they dirty) on every start, and $ORIGIN makes it look for each system library next to the binary
# first. Both were most of `--version`'s and every Tab's start-up. A fixed address gives up ASLR for
# imgmake's own code (libvips, GLib and libc stay randomized); --pie keeps it.
# GLib and GObject are then dropped from the binary's list of libraries (patchelf --remove-needed): pkg-config
# names them for the CVips module, but every function of theirs that imgmake calls is one of CVipsLoader's
# stubs, which find them in libvips (which links them), so a run that never loads libvips maps neither them
# nor libffi and PCRE2 (2-3 ms of every start here, with their constructors). The script refuses to drop
# them while the binary still needs a symbol they define.
# Everything but the path goes to stderr: bin="$(scripts/release.sh)".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/deps.sh
imgmake_install_dependencies >&2

check=true
pie=false
package=false
for argument in "$@"; do
    case $argument in
    --no-check) check=false ;;
    --pie) pie=true ;;
    --package) package=true ;;
    *) echo "release.sh: unknown option $argument (--no-check, --pie, --package)" >&2; exit 2 ;;
    esac
done

scratch="${IMGMAKE_SCRATCH:-.build-release}"
flags=(-c release --static-swift-stdlib --scratch-path "$scratch" --disable-local-rpath)
$pie || flags+=(-Xlinker -no-pie)
echo "==> swift build ${flags[*]} --product imgmake" >&2
swift build "${flags[@]}" --product imgmake >&2
bin="$(swift build "${flags[@]}" --show-bin-path)/imgmake"

# GLib and GObject off the list of libraries, once no symbol the binary needs comes from them.
needed="$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
for library in libgobject-2.0.so.0 libglib-2.0.so.0; do
    grep -qx "$library" <<<"$needed" || continue
    # (awk reads to the end: an early exit would kill ldconfig with SIGPIPE, and pipefail would end the script.)
    file="$(ldconfig -p | awk -v name="$library" '$1 == name && /x86-64|AArch64|64bit/ && !found { print $NF; found = 1 }')"
    [[ -n $file ]] || file="$(ldd "$bin" | awk -v name="$library" '$1 == name { print $3 }')"
    [[ -f $file ]] || { echo "release.sh: cannot find $library" >&2; exit 1; }
    from="$(comm -12 <(nm -D --undefined-only "$bin" | awk '{ sub(/@.*/, "", $2); print $2 }' | sort -u) \
        <(nm -D --defined-only "$file" | awk '{ sub(/@.*/, "", $3); print $3 }' | sort -u))"
    if [[ -n $from ]]; then
        echo "release.sh: the binary still uses $library for: $(tr '\n' ' ' <<<"$from")(add stubs in Sources/CVipsLoader)" >&2
        exit 1
    fi
    patchelf --remove-needed "$library" "$bin"
done

if $check; then
    fail() { echo "release.sh: $*" >&2; exit 1; }
    echo "==> checking $bin" >&2
    libraries="$(ldd "$bin")"
    type="$(readelf -h "$bin" | sed -n 's/^ *Type: *//p')"
    if $pie; then [[ $type == DYN* ]] || fail "--pie built a binary of type $type"; else [[ $type == EXEC* ]] || fail "the binary is of type $type, not a fixed-address executable"; fi
    if readelf -d "$bin" | grep -E 'R(UN)?PATH' >&2; then fail "the binary has a run path"; fi
    if grep -E 'libswift|libFoundation|lib_Foundation|libdispatch|libvips|libglib|libgobject' <<<"$libraries" >&2; then
        fail "the binary links the libraries above: the Swift ones should be static, libvips (with GLib) loaded on use"
    fi
    version="$("$bin" --version)"
    version="${version%%$'\n'*}"  # the first line (not `| head`: its early exit is a SIGPIPE under pipefail)
    [[ $version == "imgmake "* ]] || fail "--version printed '$version'"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    for pool in thread process; do
        mkdir -p "$work/$pool"
        cp -R recipes/demo/Imgmakefile recipes/demo/photos recipes/demo/assets "$work/$pool/"
        "$bin" -C "$work/$pool" -q -j2 --pool "$pool" >&2 || fail "building the demo with --pool $pool failed"
    done
    diff -r "$work/thread/build" "$work/process/build" >&2 || fail "the thread and process pools built different files"
    noop="$("$bin" -C "$work/process" -j2 --pool process)"
    [[ $noop == *"everything is up to date"* ]] || fail "the second build was not a no-op: $noop"
    echo "==> $version: static Swift runtime; demo built by both pools, identical; no-op: ${noop##*$'\n'}" >&2
fi
if $package; then
    version="$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/ImgmakeCore/Support/Version.swift)"
    [[ -n $version ]] || { echo "release.sh: no version in Sources/ImgmakeCore/Support/Version.swift" >&2; exit 1; }
    name="imgmake-$version-linux-$(uname -m)"
    stage="dist/$name"
    rm -rf "$stage" "dist/$name.tar.gz"
    mkdir -p "$stage/bin" "$stage/share/man/man1" "$stage/share/bash-completion/completions" \
        "$stage/share/zsh/vendor-completions" "$stage/share/fish/vendor_completions.d"
    strip -o "$stage/bin/imgmake" "$bin"
    cp man/*.1 "$stage/share/man/man1/"
    cp completions/imgmake.bash "$stage/share/bash-completion/completions/imgmake"
    cp completions/_imgmake "$stage/share/zsh/vendor-completions/_imgmake"
    cp completions/imgmake.fish "$stage/share/fish/vendor_completions.d/imgmake.fish"
    cp scripts/install.sh README.md LICENSE "$stage/"
    tar -C dist -czf "dist/$name.tar.gz" "$name"
    rm -rf "$stage"
    echo "==> packed dist/$name.tar.gz" >&2

    # The .deb: Debian's places; Depends as dpkg-shlibdeps reads them from the binary, and libvips (and with it
    # GLib), which imgmake loads with dlopen, so that dpkg-shlibdeps cannot see it; libcurl (--remote-cache) is
    # recommended.
    arch="$(dpkg --print-architecture)"
    deb="dist/deb/imgmake_${version}_$arch"
    rm -rf dist/deb "dist/imgmake_${version}_$arch.deb"
    mkdir -p "$deb/DEBIAN" "$deb/usr/bin" "$deb/usr/share/man/man1" "$deb/usr/share/bash-completion/completions" \
        "$deb/usr/share/zsh/vendor-completions" "$deb/usr/share/fish/vendor_completions.d" "$deb/usr/share/doc/imgmake"
    strip -o "$deb/usr/bin/imgmake" "$bin"
    for page in man/*.1; do gzip -9n <"$page" >"$deb/usr/share/man/man1/$(basename "$page").gz"; done
    cp completions/imgmake.bash "$deb/usr/share/bash-completion/completions/imgmake"
    cp completions/_imgmake "$deb/usr/share/zsh/vendor-completions/_imgmake"
    cp completions/imgmake.fish "$deb/usr/share/fish/vendor_completions.d/imgmake.fish"
    printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: imgmake\n\nFiles: *\nLicense: GPL-3.0-or-later\n On Debian systems the full text is in /usr/share/common-licenses/GPL-3.\n' \
        >"$deb/usr/share/doc/imgmake/copyright"
    chmod -R u=rwX,go=rX "$deb"
    shlibs="$(cd dist/deb && mkdir -p debian && printf 'Source: imgmake\n\nPackage: imgmake\nArchitecture: any\n' >debian/control \
        && dpkg-shlibdeps -O "imgmake_${version}_$arch/usr/bin/imgmake" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
    [[ -n $shlibs ]] || { echo "release.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
    size="$(du -sk --exclude=DEBIAN "$deb" | cut -f1)"
    cat >"$deb/DEBIAN/control" <<CONTROL
Package: imgmake
Version: $version
Architecture: $arch
Maintainer: imgmake developers <imgmake@localhost>
Installed-Size: $size
Depends: $shlibs, libvips42 (>= 8.14)
Recommends: libcurl4
Section: graphics
Priority: optional
Homepage: https://github.com/imgmake/imgmake
Description: make-style build tool for images, on libvips
 imgmake reads a recipe that maps input globs to output images, works out which
 outputs are stale, and builds them in parallel: thumbnails, responsive sizes,
 watermarks, contact sheets, and your own code's outputs, incrementally.
CONTROL
    dpkg-deb --root-owner-group --build "$deb" "dist/imgmake_${version}_$arch.deb" >&2
    rm -rf dist/deb
    echo "==> packed dist/imgmake_${version}_$arch.deb (Depends: $shlibs, libvips42 (>= 8.14))" >&2
    echo "$PWD/dist/$name.tar.gz"
else
    echo "$bin"
fi
