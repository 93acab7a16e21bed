#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite (unit and end-to-end).
#   scripts/test.sh [SWIFT TEST ARGUMENTS...]   e.g. scripts/test.sh --filter EndToEndTests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/deps.sh
imgmake_install_dependencies --tests

echo "==> swift build --build-tests"
swift build --build-tests
echo "==> swift test"
swift test --skip-build "$@"
