#!/usr/bin/env bash
# Makes the pictures in docs/screenshots/ again, with the program itself (mailsim
# --screenshot), at the size of a classroom projector (1280x720). Run it after a change to
# the window and commit the pictures with the change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh release
export QT_QPA_PLATFORM=offscreen
out=docs/screenshots
mkdir -p "$out"
shot() { # shot NAME [options...]
  local name="$1"; shift
  printf '\033[1m==> %s/%s.png\033[0m\n' "$out" "$name"
  build/release/gui/mailsim --screenshot "$out/$name.png" --size 1280x720 "$@"
}

# The built-in scenario at the start of each of the six stages, then one event later
# (the first thing the stage does).
for stage in 1 2 3 4 5 6; do
  shot "stage-$stage" --stage "$stage"
done
# A moment inside stage 4, when the message itself travels after DATA.
shot "transfer-data" --event 37
shot "dark-theme" --stage 4 --theme dark
shot "zoomed-150" --stage 3 --zoom 150
shot "bounce" scenarios/unknown-recipient-bounce.yaml --stage 6
# Stage 6 by each route, and the Push and pull comparison at the end of a run.
shot "read-pop3" --event 52
shot "read-imap-folders" scenarios/imap-flags-and-folders.yaml --end --panel queues --size 1600x900
shot "read-imap-idle" scenarios/imap-idle.yaml --event 60
shot "push-pull-web" scenarios/mime-attachment.yaml --access web --end --panel push-pull --size 1600x900
# When things go wrong: a server that is down, then one answering 421 (topology badges,
# the queue entry with its next attempt and last error).
shot "fault-server-down" scenarios/server-down-then-421.yaml --event 28
shot "fault-server-busy" scenarios/server-down-then-421.yaml --event 55
# For docs/teaching/guide.md: a mistyped command answered with 500, and the built-in scenario
# read with POP3 download-and-delete (the mailbox empty, two expectations failed).
shot "teach-reply-500" scenarios/mistyped-command.yaml --event 9
shot "teach-pop3-delete" --access pop3-delete --end --panel queues
# The Real clients panel listening, once the built-in scenario has played in real time (any
# free ports, so that the script runs wherever 2525 or 8080 are taken).
shot "real-clients" --listen-real-clients any --panel real-clients
