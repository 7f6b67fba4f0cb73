#!/usr/bin/env bash
# Benchmarks the real-client bridge (`mailsim-cli serve`) with Postfix's smtp-source as the
# load generator, and Postfix's smtp-sink (which throws mail away) as the reference.
#
# For each configuration (1 and 10 parallel SMTP sessions; 1 KiB and 100 KiB messages) it
# sends the same number of messages, from alice@example.org to alice@example.org, to
# smtp-sink and to a fresh `mailsim-cli serve` (one per run, so that each run's counts stand
# alone), measures the wall time of each smtp-source run, and prints messages per second and
# the ratio bridge/sink, the median of several runs. smtp-source speaks HELO (it has no EHLO)
# and by default opens one SMTP session per message, as a mail program submitting mail does.
# For every bridge run it checks that the number of 250 replies to the message data equals
# the number of messages the simulated world stored (serve's last line, "STORED <n> messages
# in all mailboxes"), and fails when they differ; it records serve's CPU time and peak memory
# (/usr/bin/time -v). docs/benchmarks.md says how to read the table.
#
# What it installs when missing (Debian 12, as root or with sudo): the package postfix, for
# /usr/sbin/smtp-source and /usr/sbin/smtp-sink, without ever starting the Postfix daemon
# (debconf says "No configuration", and a temporary /usr/sbin/policy-rc.d forbids starting
# services while apt runs), and the package time, for /usr/bin/time. It builds mailsim-cli
# (release preset, that target only) unless --cli names one.
#
# Everything listens on 127.0.0.1 on free ports; every process it starts is stopped by its
# PID when it ends, also on error or Ctrl-C. The measurements take about two minutes.
#
# Usage: scripts/bench-bridge.sh [--cli PATH] [--runs N] [--scale F] [--keep-sessions]
#                                [--out FILE | --no-out]
#   --cli PATH       the mailsim-cli to measure (default: build it, build/release/simulator/mailsim-cli)
#   --runs N         runs per configuration and target; the table shows medians (default 3)
#   --scale F        multiply every message count by F (default 1: about 3 s per smtp-sink run
#                    on the project's 2-core machine; e.g. 0.2 for a quick look)
#   --keep-sessions  smtp-source -d: each session sends its messages one after the other over
#                    the same connection, instead of a new connection per message
#   --out FILE       where to write the Markdown table (default docs/bench-bridge-results.md)
#   --no-out         print the table only
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"

cli=""
cli_option=""
runs=3
scale=1
keep_sessions=""
out="docs/bench-bridge-results.md"
while (($#)); do
  case "$1" in
    --cli) cli="$2"; cli_option="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --keep-sessions) keep_sessions=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --no-out) out=""; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-bridge.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench-bridge.sh: --runs wants a positive number" >&2; exit 2; }
[[ "$scale" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "bench-bridge.sh: --scale wants a number" >&2; exit 2; }

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31mbench-bridge.sh: %s\033[0m\n' "$*" >&2; exit 1; }

SMTP_SOURCE=/usr/sbin/smtp-source
SMTP_SINK=/usr/sbin/smtp-sink
SENDER=alice@example.org
RECIPIENT=alice@example.org

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

# ---------------------------------------------------------------------------------------------
# Processes this script started, stopped by PID at the end (never by name).
work="$(mktemp -d -t mailsim-bench.XXXXXX)"
sink_pid=""
serve_pid=""   # /usr/bin/time, whose child is mailsim-cli serve
policy_created=""

stop_pid() { # PID: TERM, then KILL after 5 s; waits for it when it is our child
  local pid="$1" i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_serve() { # stops the serve under /usr/bin/time (the child first, so that time reports)
  [ -n "$serve_pid" ] || return 0
  local child
  child="$(pgrep -P "$serve_pid" 2>/dev/null || true)"
  [ -n "$child" ] && stop_pid "$child"
  stop_pid "$serve_pid"
  serve_pid=""
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_serve
  stop_pid "$sink_pid"
  if [ -n "$policy_created" ]; then
    $sudo rm -f /usr/sbin/policy-rc.d
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Tools: Postfix's test programs (without its daemon), GNU time, python3 for free ports.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

postfix_master_running() { pgrep -x master >/dev/null 2>&1 && pgrep -a -x master | grep -q postfix; }

missing=()
[ -x "$SMTP_SOURCE" ] && [ -x "$SMTP_SINK" ] || missing+=(postfix)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  if [ -n "$sudo" ] && ! command -v sudo >/dev/null; then
    die "please run as root (or install sudo): need ${missing[*]}"
  fi
  say "Installing ${missing[*]} (Postfix for smtp-source and smtp-sink only: its daemon is never started)"
  # No questions, and no mail system configured: smtp-source and smtp-sink need none.
  echo 'postfix postfix/main_mailer_type select No configuration' | $sudo debconf-set-selections
  # While apt runs, invoke-rc.d may start no service (exit 101: "action forbidden").
  # An existing policy-rc.d is left as it is; ours goes when the script ends, however it ends.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# Temporary, from MailSim scripts/bench-bridge.sh: start no services.\nexit 101\n' \
      | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    policy_created=1
    $sudo chmod 755 /usr/sbin/policy-rc.d
  fi
  if ! apt-cache show postfix >/dev/null 2>&1; then
    $sudo apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$policy_created" ]; then
    $sudo rm -f /usr/sbin/policy-rc.d
    policy_created=""
  fi
  [ -x "$SMTP_SOURCE" ] && [ -x "$SMTP_SINK" ] || die "postfix is installed but $SMTP_SOURCE or $SMTP_SINK is missing"
else
  say "smtp-source, smtp-sink, /usr/bin/time and python3 are installed"
fi
if postfix_master_running; then
  # Not ours to stop: say so and go no further, since it would share the machine's cores.
  die "a Postfix master process is running (not started by this script, so it is left alone): $(pgrep -a -x master | tr '\n' ' ')"
fi

# ---------------------------------------------------------------------------------------------
# mailsim-cli, built with the release preset (only that target) unless given.
if [ -z "$cli" ]; then
  if ! command -v cmake >/dev/null || ! command -v ninja >/dev/null; then
    say "cmake or ninja is missing: running scripts/setup.sh release (installs and builds everything)"
    scripts/setup.sh release
  fi
  if [ ! -f build/release/CMakeCache.txt ]; then
    say "Configuring (CMake preset 'release', as scripts/setup.sh does)"
    cmake --preset release >/dev/null
  fi
  say "Building mailsim-cli (preset 'release', incremental)"
  cmake --build --preset release --target mailsim-cli >/dev/null
  cli="$root/build/release/simulator/mailsim-cli"
fi
[ -x "$cli" ] || die "no mailsim-cli at $cli"
cli="$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"

# The world the bridge serves: the built-in scenario's example.org (mail.example.org, with
# Alice a local user) and nothing that sends mail of its own, so that every stored message
# is one that smtp-source sent.
scenario="$work/bench-bridge.yaml"
cat >"$scenario" <<'EOF'
title: Bridge benchmark
description: >-
  Alice's mail server from the built-in scenario, with no mail of its own: everything
  in its mailboxes came from real clients through the bridge.
seed: 1
start: 2025-03-03T09:00:00Z
dns: { host: dns.example, address: 198.51.100.53, label: DNS server }
domains:
  - name: example.org
    server: { host: mail.example.org, address: 192.0.2.25, label: Alice's mail server }
    mx:
      - { preference: 10, host: mail.example.org }
users:
  - address: alice@example.org
    name: Alice
    password: wonderland
    computer: { host: alice-pc.example.org, address: 192.0.2.10, label: Alice's user agent }
links:
  - { between: [alice-pc.example.org, mail.example.org], latency: 1ms }
  - { between: [mail.example.org, dns.example], latency: 5ms }
EOF
"$cli" check "$scenario" >/dev/null || die "the benchmark scenario does not load"

# ---------------------------------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port() { # PORT PID: until something accepts on 127.0.0.1:PORT (10 s at most)
  local port="$1" pid="$2" i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

sink_port="$(free_port)"
sink_args=()
[ "$(id -u)" -eq 0 ] && sink_args=(-u nobody) # smtp-sink refuses to run as root without -u
say "Starting smtp-sink on 127.0.0.1:$sink_port (it reads each message and throws it away)"
"$SMTP_SINK" "${sink_args[@]}" "127.0.0.1:$sink_port" 256 >"$work/sink.log" 2>&1 &
sink_pid=$!
wait_for_port "$sink_port" "$sink_pid" || die "smtp-sink did not start: $(cat "$work/sink.log")"

now() { date +%s.%N; }

# smtp-source -c prints a running counter, "N\r", each time the reply to the message data
# arrives, before it checks that reply; without -A it stops with "fatal: end of data rejected"
# at the first that is not 2xx. So the 250 replies are the last counter, less one when the
# last one was such a rejection.
LAST_SECONDS="" LAST_ACCEPTED="" LAST_RC=""
run_source() { # SESSIONS LENGTH COUNT PORT LOG
  local sessions="$1" length="$2" count="$3" port="$4" log="$5" t0 t1 counter
  local extra=()
  if [ -n "$keep_sessions" ]; then extra=(-d); fi
  t0="$(now)"
  set +e
  "$SMTP_SOURCE" "${extra[@]}" -c -s "$sessions" -m "$count" -l "$length" -f "$SENDER" -t "$RECIPIENT" \
    "127.0.0.1:$port" >"$log.out" 2>"$log.err"
  LAST_RC=$?
  set -e
  t1="$(now)"
  LAST_SECONDS="$(python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.4f}")' "$t0" "$t1")"
  counter="$(tr '\r' '\n' <"$log.out" | grep -E '^[0-9]+$' | tail -n 1 || true)"
  counter="${counter:-0}"
  if grep -q 'end of data rejected' "$log.err"; then
    counter=$((counter - 1))
  fi
  LAST_ACCEPTED="$counter"
}

# One bridge run: a fresh serve under /usr/bin/time, smtp-source against it, SIGTERM, and
# the counts. Sets LAST_STORED, LAST_RSS_KIB and LAST_CPU (serve's user + system seconds) too.
LAST_STORED="" LAST_RSS_KIB="" LAST_CPU=""
run_bridge() { # SESSIONS LENGTH COUNT LOG
  local sessions="$1" length="$2" count="$3" log="$4" port child i
  port="$(free_port)"
  /usr/bin/time -v -o "$log.time" "$cli" serve "$scenario" --only smtp --smtp "$port" --format none \
    >"$log.serve" 2>&1 &
  serve_pid=$!
  for ((i = 0; i < 300; i++)); do
    grep -qs "^LISTENING smtp 127.0.0.1 $port\$" "$log.serve" && break
    kill -0 "$serve_pid" 2>/dev/null || die "mailsim-cli serve stopped: $(cat "$log.serve")"
    sleep 0.1
  done
  grep -q "^LISTENING smtp" "$log.serve" || die "mailsim-cli serve did not listen within 30 s"
  run_source "$sessions" "$length" "$count" "$port" "$log"
  # SIGTERM to serve itself (the child of /usr/bin/time): it stops and prints STORED.
  child="$(pgrep -P "$serve_pid" || true)"
  [ -n "$child" ] || die "mailsim-cli serve is gone: $(cat "$log.serve")"
  kill -TERM "$child"
  for ((i = 0; i < 600; i++)); do
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
  done
  wait "$serve_pid" || die "mailsim-cli serve did not stop cleanly: $(tail -n 5 "$log.serve")"
  serve_pid=""
  LAST_STORED="$(sed -n 's/^STORED \([0-9]*\) messages in all mailboxes$/\1/p' "$log.serve" | tail -n 1)"
  [ -n "$LAST_STORED" ] || die "serve printed no STORED line: $(tail -n 5 "$log.serve")"
  LAST_RSS_KIB="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$log.time")"
  LAST_CPU="$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { t += $2 } END { printf "%.3f", t }' "$log.time")"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rate() { python3 -c 'import sys; print(f"{int(sys.argv[1]) / float(sys.argv[2]):.1f}")' "$1" "$2"; }
fmt_int() { python3 -c 'import sys; print(f"{round(float(sys.argv[1])):,}")' "$1"; }

# Sessions, message length and messages per run: about 3 s per smtp-sink run here.
configs=("1 1024 8000" "1 102400 3500" "10 1024 9000" "10 102400 3600")
label() { printf '%s session%s, %s KiB' "$1" "$([ "$1" = 1 ] || echo s)" "$(($2 / 1024))"; }

if [ -n "$keep_sessions" ]; then
  mode="each session sends its messages over one connection (-d)"
else
  mode="a new SMTP session for each message"
fi
say "Measuring with smtp-source (HELO; $mode): $runs run(s) per configuration and target"
rows=()
failures=()
under=()
for config in "${configs[@]}"; do
  read -r sessions length count <<<"$config"
  name="$(label "$sessions" "$length")"
  count="$(python3 -c 'import sys; print(max(1, round(int(sys.argv[1]) * float(sys.argv[2]))))' "$count" "$scale")"
  sink_rates=() bridge_rates=() accepted_list=() stored_list=() rss_list=() cpu_list=() cpu_us_list=()
  for ((r = 1; r <= runs; r++)); do
    log="$work/s$sessions-l$length-r$r"
    run_source "$sessions" "$length" "$count" "$sink_port" "$log.sink"
    [ "$LAST_RC" -eq 0 ] && [ "$LAST_ACCEPTED" -eq "$count" ] \
      || die "$name, run $r: smtp-sink took $LAST_ACCEPTED of $count (smtp-source exit $LAST_RC): $(cat "$log.sink.err")"
    sink_rates+=("$(rate "$count" "$LAST_SECONDS")")
    sink_seconds="$LAST_SECONDS"

    run_bridge "$sessions" "$length" "$count" "$log.bridge"
    bridge_rates+=("$(rate "$count" "$LAST_SECONDS")")
    accepted_list+=("$LAST_ACCEPTED")
    stored_list+=("$LAST_STORED")
    rss_list+=("$LAST_RSS_KIB")
    cpu_list+=("$(python3 -c 'import sys; print(round(100 * float(sys.argv[1]) / float(sys.argv[2])))' "$LAST_CPU" "$LAST_SECONDS")")
    cpu_us_list+=("$(python3 -c 'import sys; print(round(1e6 * float(sys.argv[1]) / int(sys.argv[2])))' "$LAST_CPU" "$count")")
    printf '    %-20s run %d: %5d messages  sink %6.3f s  bridge %6.3f s  250 replies %5d  stored %5d  serve CPU %5.2f s  peak RSS %s MiB\n' \
      "$name" "$r" "$count" "$sink_seconds" "$LAST_SECONDS" "$LAST_ACCEPTED" "$LAST_STORED" "$LAST_CPU" "$((LAST_RSS_KIB / 1024))"
    if [ "$LAST_ACCEPTED" -ne "$LAST_STORED" ]; then
      failures+=("$name, run $r: $LAST_ACCEPTED replies 250 to the data but $LAST_STORED messages stored")
    fi
    if [ "$LAST_RC" -ne 0 ] || [ "$LAST_ACCEPTED" -ne "$count" ]; then
      failures+=("$name, run $r: the bridge accepted $LAST_ACCEPTED of $count (smtp-source exit $LAST_RC: $(tr '\n' ' ' <"$log.bridge.err"))")
    fi
  done
  sink_median="$(median "${sink_rates[@]}")"
  bridge_median="$(median "${bridge_rates[@]}")"
  ratio="$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$bridge_median" "$sink_median")"
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 0.7 else 1)' "$ratio" || under+=("$name ($ratio)")
  rss_max=0
  for v in "${rss_list[@]}"; do
    if ((v > rss_max)); then rss_max=$v; fi
  done
  rows+=("| $name | $(fmt_int "$count") | $(fmt_int "$sink_median") | $(fmt_int "$bridge_median") | $ratio | $(IFS=/; echo "${accepted_list[*]}") | $(IFS=/; echo "${stored_list[*]}") | $(median "${cpu_us_list[@]}") µs, $(median "${cpu_list[@]}") % | $((rss_max / 1024)) MiB |")
done

table="| configuration | messages per run | smtp-sink msg/s | bridge msg/s | bridge/sink | 250 replies (each run) | stored (each run) | serve CPU per message, share of the run | serve peak RSS |
|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do table+=$'\n'"$row"; done
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
commit="$(git -C "$root" log -1 --format='%h %s' 2>/dev/null || echo unknown)"
if ! git -C "$root" diff --quiet HEAD -- simulator 2>/dev/null; then
  commit+=", with changes not committed"
fi
command="scripts/bench-bridge.sh"
if [ "$runs" != 3 ]; then command+=" --runs $runs"; fi
if [ "$scale" != 1 ]; then command+=" --scale $scale"; fi
if [ -n "$keep_sessions" ]; then command+=" --keep-sessions"; fi
if [ -n "$cli_option" ]; then
  command+=" --cli $cli_option"
  measured="the mailsim-cli given (the script's tree is at commit \"$commit\")"
else
  measured="mailsim-cli of commit \"$commit\""
fi
notes="Medians of $runs runs per configuration and target (serve CPU: its user + system time, per message and as a share of smtp-source's wall time; peak RSS: the largest of the runs); $mode; $(nproc) cores ($cpu); $(date -u +%Y-%m-%d); $measured.
Command: \`$command\`"

echo
echo "$table"
echo
echo "$notes"
if ((${#failures[@]})); then
  printf '\033[1;31mbench-bridge.sh: FAILED: %s\033[0m\n' "${failures[@]}" >&2
  exit 1
fi
if [ -n "$out" ]; then
  {
    echo "<!-- Written by scripts/bench-bridge.sh; run it again to measure anew. -->"
    echo "$table"
    echo
    echo "$notes"
  } >"$out"
  say "The table is in $out"
fi
if ((${#under[@]})); then
  say "Under the target of 0.7 of smtp-sink's messages per second: ${under[*]}"
else
  say "Every configuration reaches 0.7 of smtp-sink's messages per second, and every accepted message was stored"
fi
