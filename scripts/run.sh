#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to MailSim running: installs what is missing,
# builds, and opens the classroom window on the built-in default scenario (Alice sends a
# message to Bob). Extra arguments go to the window, e.g. scripts/run.sh scenarios/backup-mx.yaml
# Without a display (no DISPLAY or WAYLAND_DISPLAY, e.g. over ssh) the window cannot open,
# so the same scenario is played in the terminal with mailsim-cli instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh release
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  say "Opening the classroom window: build/release/gui/mailsim $*"
  exec build/release/gui/mailsim "$@"
fi
say "No display here (DISPLAY and WAYLAND_DISPLAY are unset), so the window cannot open."
say "Playing the scenario in the terminal instead: build/release/simulator/mailsim-cli run $*"
exec build/release/simulator/mailsim-cli run "$@"
