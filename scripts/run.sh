#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to MailSim running: installs what is missing,
# builds, and plays the built-in default scenario (Alice sends a message to Bob).
# Extra arguments go to 'mailsim-cli run', e.g. scripts/run.sh --format json
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh release
printf '\033[1m==> Running: mailsim-cli run %s\033[0m\n' "$*"
exec build/release/simulator/mailsim-cli run "$@"
