#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the whole test suite: installs what is
# missing, builds, and runs every test; then does the same under AddressSanitizer and
# UndefinedBehaviorSanitizer. Set MAILSIM_SKIP_SANITIZERS=1 to run the plain build only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs="$(nproc)"

scripts/setup.sh release
printf '\033[1m==> Running the test suite (release build)\033[0m\n'
ctest --preset release --no-tests=error -j "$jobs"

if [ "${MAILSIM_SKIP_SANITIZERS:-0}" != "1" ]; then
  scripts/setup.sh asan
  printf '\033[1m==> Running the test suite under AddressSanitizer + UBSan\033[0m\n'
  ctest --preset asan --no-tests=error -j "$jobs"
fi
