#!/usr/bin/env python3
"""Python's email package reads MailSim's bounce as a delivery status notification.

Plays scenarios/unknown-recipient-bounce.yaml with `mailsim-cli run --format json`, takes the
report the sending server stored in Alice's mailbox, and checks it with a reader nobody here
wrote: multipart/report with report-type delivery-status (RFC 6522), a text part, a
message/delivery-status part whose per-message and per-recipient fields Python splits into
blocks (RFC 3464), and the failed message's header as text/rfc822-headers.
"""
import email
import email.policy
import json
import subprocess
import sys


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    cli, scenario = sys.argv[1], sys.argv[2]
    run = subprocess.run([cli, "run", scenario, "--format", "json"], capture_output=True, timeout=60)
    reports = []
    for line in run.stdout.decode().splitlines():
        event = json.loads(line)
        if event.get("kind") == "mailbox-add" and "MAILER-DAEMON@" in event.get("data", ""):
            reports.append(event["data"].encode())
    if len(reports) != 1:
        fail(f"expected one bounce in a mailbox, found {len(reports)}")
    msg = email.message_from_bytes(reports[0], policy=email.policy.compat32)
    if msg.get_content_type() != "multipart/report":
        fail("type " + msg.get_content_type())
    if msg.get_param("report-type") != "delivery-status":
        fail("report-type " + str(msg.get_param("report-type")))
    if msg["Auto-Submitted"] != "auto-replied":
        fail("Auto-Submitted missing")
    parts = msg.get_payload()
    types = [p.get_content_type() for p in parts]
    if types != ["text/plain", "message/delivery-status", "text/rfc822-headers"]:
        fail("parts " + repr(types))
    blocks = parts[1].get_payload()  # Python reads each block of fields as a message
    if len(blocks) != 2:
        fail(f"expected a per-message block and one per-recipient block, got {len(blocks)}")
    if blocks[0]["Reporting-MTA"] != "dns; mail.example.org":
        fail("Reporting-MTA " + str(blocks[0]["Reporting-MTA"]))
    recipient = blocks[1]
    expected = {
        "Final-Recipient": "rfc822; bbo@example.net",
        "Action": "failed",
        "Status": "5.1.1",
        "Remote-MTA": "dns; mail.example.net",
    }
    for name, value in expected.items():
        if recipient[name] != value:
            fail(f"{name}: {recipient[name]!r}, expected {value!r}")
    if not recipient["Diagnostic-Code"].startswith("smtp; 550 "):
        fail("Diagnostic-Code " + str(recipient["Diagnostic-Code"]))
    original = email.message_from_string(parts[2].get_payload())
    if original["Subject"] != "Lunch on Friday?" or original["To"] != "bbo@example.net":
        fail("the returned header is not the failed message's")
    if "@" not in msg["To"] or msg["From"].find("MAILER-DAEMON") < 0:
        fail("From/To")
    print("ok: the bounce is an RFC 3464 report that Python's email package reads")


if __name__ == "__main__":
    main()
