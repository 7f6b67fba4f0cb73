#!/usr/bin/env python3
"""Checks `mailsim-cli run --format json` against the documented format (docs/trace-json.md).

Usage: check_json_trace.py PATH-TO-mailsim-cli
Every line must be one JSON object with the documented fields and types; the run of the
default scenario must contain the SMTP dialogue of the lecture.
"""
import json
import subprocess
import sys

KINDS = {
    "compose", "tcp-syn", "tcp-syn-ack", "tcp-ack", "tcp-refused", "tcp-fin", "dns-query",
    "dns-answer", "smtp-command", "smtp-reply", "smtp-data", "queue-add", "queue-remove",
    "queue-defer", "mailbox-add", "mailbox-read", "bounce", "note", "pop3-command", "pop3-reply",
    "imap-command", "imap-reply", "http-request", "http-response", "mailbox-remove",
    "mailbox-flags", "folder-change", "fault",
}
FIELDS = {
    "seq": int, "time_us": int, "arrival_us": (int, type(None)), "stage": int, "kind": str,
    "from": (str, type(None)), "to": (str, type(None)), "connection": (int, type(None)),
    "code": (int, type(None)), "data": str, "detail": str, "summary": str, "explanation": str,
}


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def main():
    out = subprocess.run([sys.argv[1], "run", "--format", "json"], capture_output=True,
                         check=True, timeout=60).stdout.decode("utf-8")
    lines = out.splitlines()
    if len(lines) < 40:
        fail(f"only {len(lines)} events")
    events = []
    for number, line in enumerate(lines):
        event = json.loads(line)
        for field, kind in FIELDS.items():
            if field not in event:
                fail(f"line {number}: no field {field}")
            if not isinstance(event[field], kind):
                fail(f"line {number}: {field} has type {type(event[field]).__name__}")
        if event["seq"] != number:
            fail(f"line {number}: seq is {event['seq']}")
        if event["kind"] not in KINDS:
            fail(f"line {number}: unknown kind {event['kind']}")
        if not 1 <= event["stage"] <= 6:
            fail(f"line {number}: stage {event['stage']}")
        if event["arrival_us"] is not None and event["arrival_us"] < event["time_us"]:
            fail(f"line {number}: arrives before it leaves")
        if events and event["time_us"] < events[-1]["time_us"]:
            fail(f"line {number}: time goes backwards")
        events.append(event)

    replies = [e["code"] for e in events if e["kind"] == "smtp-reply"]
    for code in (220, 250, 354, 221):
        if code not in replies:
            fail(f"no {code} reply in the default run")
    commands = [e["data"].split(" ")[0].split(":")[0].strip() for e in events if e["kind"] == "smtp-command"]
    for verb in ("EHLO", "MAIL", "RCPT", "DATA", "QUIT"):
        if verb not in commands:
            fail(f"no {verb} command")
    if not all(e["data"].endswith("\r\n") for e in events if e["kind"] in ("smtp-command", "smtp-reply")):
        fail("an SMTP line without CR LF")
    if [e["stage"] for e in events] != sorted(e["stage"] for e in events):
        fail("stages are not in order for the single message of the default scenario")
    mx = [e for e in events if e["kind"] == "dns-query" and " MX " in e["data"]]
    if not mx or mx[0]["data"] != "example.net. MX ?":
        fail("the sending server does not look up example.net's MX")
    print(f"{len(events)} events, {len(replies)} replies: the JSON trace is as documented")


if __name__ == "__main__":
    main()
