#!/usr/bin/env python3
"""Real clients judge `mailsim-cli serve`: Python's smtplib, poplib, imaplib and http.client, raw
sockets and curl talk to the simulated mail server over loopback TCP, as a student's mail program
would, and every answer is checked: reply codes, the bytes read back, flags, counts, the JSON
trace and the STORED line the server prints when it stops.

Usage: serve_judge.py PATH/TO/mailsim-cli PART [PART...]
Parts: smtplib dropped poplib imaplib curl webmail limits garbage backpressure concurrent text
(ctest runs one each).

Each part starts its own `mailsim-cli serve --smtp 0 --pop3 0 --imap 0 --http 0 --format json`
on 127.0.0.1 (free ports only) with --max-seconds as a safety net, stops it with SIGTERM by
its PID in a finally block, and reads the last line, `STORED <n> messages in all mailboxes`.
The built-in scenario is served: mail.example.org with alice@example.org ("wonderland");
bob@example.net lives on mail.example.net, beyond the simulated Internet. The scenario's own
run puts one message into bob's mailbox by itself (BASELINE) within half a second.

Standard library only (and the curl program for the curl part). Every check is printed as
"ok ..." or "FAIL ..."; the exit status is 1 when any check of any part failed.
"""

import base64
import http.client
import imaplib
import json
import os
import poplib
import random
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

HOST = "127.0.0.1"
ALICE = "alice@example.org"
ALICE_PASSWORD = "wonderland"
BOB = "bob@example.net"
STRANGER = "visitor@example.com"
SERVER = "mail.example.org"
BOB_SERVER = "mail.example.net"
REAL_CLIENTS = "real-clients"
BASELINE = 1          # messages the built-in scenario stores by itself (bob's)
MAX_SIZE = 10485760   # the scenario's max-message-size (10MB), announced as SIZE
MAX_RECIPIENTS = 100  # the scenario's max-recipients (RFC 5321 4.5.3.1.8's minimum)
MAX_ERRORS = 10       # the SMTP server's protocol errors before 421
SAFETY_SECONDS = 30   # --max-seconds: the server stops by itself even if this script is killed
TIMEOUT = 10          # per socket operation

FAILURES = []


def check(condition, what):
    if condition:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        FAILURES.append(what)
    return condition


def message(subject, body=b"Hello.\r\n", sender=ALICE, to=ALICE):
    """A message with CR LF line ends, as it goes over the wire (before dot-stuffing)."""
    return (b"Date: Mon, 1 Jun 2026 12:00:00 +0000\r\n"
            b"From: " + sender.encode() + b"\r\nTo: " + to.encode() + b"\r\nSubject: "
            + subject.encode() + b"\r\nMessage-ID: <" + subject.replace(" ", ".").encode()
            + b"@judge.example>\r\n\r\n" + body)


def without_received(data):
    """The message as the client sent it: the server puts one Received: field (folded over
    several lines) in front; that field and nothing else is taken away."""
    lines = data.split(b"\r\n")
    check(lines[0].startswith(b"Received: from "), "the server added a Received: field (%r)" % lines[0][:40])
    i = 1
    while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
        i += 1
    return b"\r\n".join(lines[i:])


def pop3_bytes(lines):
    """poplib gives lines without their CR LF (and already un-stuffed): join them back."""
    return b"\r\n".join(lines) + b"\r\n"


class Server:
    """One `mailsim-cli serve`, read by two threads. With --format json (the default here) the
    trace is on standard output, one event a line, and the banner and the STORED line on
    standard error; with text or none, all of it is on standard output."""

    def __init__(self, cli, *extra, fmt="json", max_seconds=SAFETY_SECONDS):
        self.args = [cli, "serve", "--smtp", "0", "--pop3", "0", "--imap", "0", "--http", "0",
                     "--format", fmt, "--color", "never", "--max-seconds", str(max_seconds)] + list(extra)
        self.json = fmt == "json"
        self.events = []
        self.banner = []
        self.ports = {}
        self.lock = threading.Lock()
        self.listening = threading.Event()
        self.stored = None
        self.exit_status = None
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.json), daemon=True),
                        threading.Thread(target=self._read, args=(self.proc.stderr, False), daemon=True)]
        for r in self.readers:
            r.start()
        if not self.listening.wait(15):
            self.stop()
            raise SystemExit("mailsim-cli serve did not start: %r" % self.banner)
        if self.json:
            # The scenario's own message to bob lands at 0.38 s (virtual time follows the
            # wall clock): wait for it, so that every count starts from BASELINE.
            check(len(self.wait_for(lambda e: e["kind"] == "mailbox-add" and e["from"] == BOB_SERVER)) == 1,
                  "the scenario's own message reached bob")

    def _read(self, stream, trace):
        for raw in stream:
            if trace:
                try:
                    event = json.loads(raw)
                except ValueError:
                    check(False, "the trace is JSON Lines (%r)" % raw[:80])
                    continue  # keep reading: a full pipe would stall the server
                with self.lock:
                    self.events.append(event)
                continue
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.lock:
                self.banner.append(line)
            parts = line.split()
            if len(parts) == 4 and parts[0] == "LISTENING":
                self.ports[parts[1]] = int(parts[3])
                check(parts[2] == HOST, "%s listens on %s" % (parts[1], parts[2]))
                if len(self.ports) == 4:
                    self.listening.set()
            m = re.fullmatch(r"STORED (\d+) messages in all mailboxes", line)
            if m:
                self.stored = int(m.group(1))

    def port(self, service):
        return self.ports[service]

    def trace(self, predicate=lambda e: True):
        with self.lock:
            return [e for e in self.events if predicate(e)]

    def wait_for(self, predicate, timeout=TIMEOUT, count=1):
        """The events matching predicate, once there are at least `count` (or what there is
        after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.trace(predicate)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM by PID; returns the exit status. STORED is then in self.stored."""
        if self.exit_status is not None:
            return self.exit_status
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.exit_status = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.exit_status = self.proc.wait()
        for r in self.readers:
            r.join(10)
        return self.exit_status

    def check_stopped(self, expected_stored):
        """Stops the server and checks the exit status, the STORED line against what the part
        expects and against the trace (messages added minus removed)."""
        rc = self.stop()
        check(rc == 0, "server exit status 0 (got %r)" % rc)
        check(self.stored == expected_stored,
              "STORED %r messages, expected %d" % (self.stored, expected_stored))
        if not self.json:
            return
        added = len(self.trace(lambda e: e["kind"] == "mailbox-add"))
        removed = len(self.trace(lambda e: e["kind"] == "mailbox-remove"))
        check(self.stored == added - removed,
              "STORED %r = mailbox-add %d - mailbox-remove %d in the trace" % (self.stored, added, removed))


def added_to(server, owner, marker, where=SERVER):
    """The trace's mailbox-add events of `owner`'s mailbox at `where` whose data has marker."""
    return server.trace(lambda e: e["kind"] == "mailbox-add" and e["from"] == where
                        and e["detail"].split(" ")[0] == owner and marker in e["data"])


def smtp(server):
    s = smtplib.SMTP(HOST, server.port("smtp"), timeout=TIMEOUT)
    code, _ = s.ehlo("judge.example")
    check(code == 250, "EHLO 250 (got %d)" % code)
    return s


def send(s, sender, recipients, data, options=()):
    """MAIL, RCPT each, DATA, one step at a time: the codes of each, for checking."""
    code, text = s.mail(sender, list(options))
    if code != 250:
        return ("MAIL", code, text)
    for r in recipients:
        code, text = s.rcpt(r)
        if code != 250:
            return ("RCPT", code, text)
    code, text = s.data(data)
    return ("DATA", code, text)


def send_local(server, subject, body=b"Hello.\r\n"):
    """A message to alice, without AUTH (mail for the server's own users needs none)."""
    data = message(subject, body, sender=STRANGER)
    s = smtp(server)
    step = send(s, STRANGER, [ALICE], data)
    check(step[:2] == ("DATA", 250), "message %r accepted: %r" % (subject, step))
    s.quit()
    check(len(server.wait_for(lambda e: e["kind"] == "mailbox-add" and subject in e["data"])) == 1,
          "mailbox-add of %r in the trace" % subject)
    return data


def sized_message(subject, size):
    """A message of exactly `size` octets whose body lines all start with a dot."""
    head = message(subject, b"", sender=STRANGER)
    line = b"." + b"z" * 996 + b"\r\n"
    n = size - len(head)
    body = line * ((n - 2) // len(line))
    body += b"q" * (n - len(body) - 2) + b"\r\n"
    return head + body


def read_back_last(server):
    """alice's newest message as POP3 RETR and IMAP FETCH give it, without Received:."""
    p = pop_login_when_free(server)
    count, _ = p.stat()
    _, lines, _ = p.retr(count)
    p.quit()
    m = imap_login(server)
    m.select("INBOX", readonly=True)
    typ, data = m.fetch(str(count), "(BODY.PEEK[])")
    m.logout()
    return without_received(pop3_bytes(lines)), without_received(data[0][1])


class RawClient:
    """A plain TCP connection, for what libraries do not send."""

    def __init__(self, server, service):
        self.sock = socket.create_connection((HOST, server.port(service)), timeout=TIMEOUT)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                rest, self.buffer = self.buffer, b""
                return rest
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line + b"\r\n"

    def smtp_reply(self):
        """A whole SMTP reply (continuation lines joined); b"" at the end of the stream."""
        reply = b""
        while True:
            line = self.line()
            reply += line
            if not line.endswith(b"\r\n") or line[3:4] != b"-":
                return reply

    def at_eof(self, timeout=TIMEOUT, reset_is_close=False):
        """True when the server closes the connection (after whatever it still sends). A reset
        counts only with reset_is_close: TCP resets a close with unread input, such as the
        rest of a request a server refused."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buffer += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return reset_is_close

    def lines(self):
        """What is left in the buffer, as lines."""
        rest, self.buffer = self.buffer, b""
        return [l + b"\r\n" for l in rest.split(b"\r\n") if l]

    def close(self):
        self.sock.close()


# ---------------------------------------------------------------------------------- smtplib

def part_smtplib(cli):
    server = Server(cli)
    stored = BASELINE
    try:
        # EHLO: the extensions a submission server offers (RFC 4954, 1870).
        s = smtp(server)
        check(s.has_extn("auth") and set(s.esmtp_features["auth"].split()) == {"PLAIN", "LOGIN"},
              "EHLO offers AUTH PLAIN LOGIN (%r)" % s.esmtp_features.get("auth"))
        check(s.esmtp_features.get("size") == str(MAX_SIZE), "EHLO says SIZE %d" % MAX_SIZE)

        # Mail for a local user without AUTH: stored, and read back the same by POP3 and IMAP.
        body = b"Hello Alice.\r\n.a line with a leading dot\r\n..two dots\r\n\r\nBye.\r\n"
        local = message("smtplib local", body, sender=STRANGER)
        step = send(s, STRANGER, [ALICE], local)
        check(step[:2] == ("DATA", 250), "local mail without AUTH: 250 (%r)" % (step,))
        stored += 1
        adds = server.wait_for(lambda e: e["kind"] == "mailbox-add" and "smtplib local" in e["data"])
        check(len(adds) == 1 and adds[0]["from"] == SERVER and adds[0]["detail"] == ALICE,
              "trace: mailbox-add for alice at %s" % SERVER)
        real = server.trace(lambda e: e["kind"] == "smtp-command" and e["data"].upper().startswith("MAIL FROM:<" + STRANGER.upper()))
        check(len(real) == 1 and real[0].get("real_client") is True and real[0]["from"] == REAL_CLIENTS,
              "trace: the real client's MAIL FROM, from %s, real_client true" % REAL_CLIENTS)

        p = poplib.POP3(HOST, server.port("pop3"), timeout=TIMEOUT)
        p.user(ALICE)
        p.pass_(ALICE_PASSWORD)
        _, lines, _ = p.retr(1)
        check(without_received(pop3_bytes(lines)) == local, "poplib RETR: the same bytes as sent")
        p.quit()
        m = imaplib.IMAP4(HOST, server.port("imap"), timeout=TIMEOUT)
        m.login(ALICE, ALICE_PASSWORD)
        m.select("INBOX", readonly=True)
        typ, data = m.fetch("1", "(RFC822)")
        check(typ == "OK" and without_received(data[0][1]) == local, "imaplib FETCH RFC822: the same bytes as sent")
        m.logout()

        # HELO instead of EHLO works too (RFC 5321 4.1.1.1).
        h = smtplib.SMTP(HOST, server.port("smtp"), timeout=TIMEOUT)
        code, text = h.helo("judge.example")
        check(code == 250 and text.startswith(SERVER.encode()), "HELO: 250 (%d %r)" % (code, text))
        step = send(h, STRANGER, [ALICE], message("smtplib after helo", sender=STRANGER))
        check(step[:2] == ("DATA", 250), "a message after HELO: 250 (%r)" % (step,))
        stored += 1
        h.quit()

        # Relay without AUTH: refused at RCPT, for a stranger and for alice's own address.
        for sender in (STRANGER, ALICE):
            code, _ = s.mail(sender)
            check(code == 250, "MAIL FROM:<%s> 250" % sender)
            code, text = s.rcpt(BOB)
            check(code in (550, 554) and b"relay" in text.lower(),
                  "relay to %s without AUTH from %s: 550 relay denied (%d %r)" % (BOB, sender, code, text))
            check(s.rset()[0] == 250, "RSET 250")

        # AUTH PLAIN and AUTH LOGIN, each forced, then relay to bob through the Internet.
        for mechanism in ("PLAIN", "LOGIN"):
            a = smtp(server)
            a.user, a.password = ALICE, ALICE_PASSWORD
            code, text = a.auth(mechanism, a.auth_plain if mechanism == "PLAIN" else a.auth_login)
            check(code == 235, "AUTH %s: 235 (%d %r)" % (mechanism, code, text))
            subject = "smtplib relay %s" % mechanism
            step = send(a, ALICE, [BOB], message(subject, to=BOB))
            check(step[:2] == ("DATA", 250), "relay to bob after AUTH %s: 250 (%r)" % (mechanism, step))
            a.quit()
            arrived = server.wait_for(lambda e: e["kind"] == "mailbox-add" and e["from"] == BOB_SERVER
                                      and subject in e["data"])
            check(len(arrived) == 1 and arrived[0]["detail"] == BOB,
                  "trace: bob's mailbox-add at %s for %r" % (BOB_SERVER, subject))
            check(len(arrived) == 1 and "with ESMTPA" in arrived[0]["data"],
                  "Received: says ESMTPA for a logged-in client (RFC 3848)")
            stored += 1
        # login() picks a mechanism by itself.
        a = smtp(server)
        code, _ = a.login(ALICE, ALICE_PASSWORD)
        check(code == 235, "smtplib login(): 235")
        a.quit()

        # A wrong password: 535, with each mechanism; then no relay.
        for mechanism in ("PLAIN", "LOGIN"):
            a = smtp(server)
            a.user, a.password = ALICE, "not-the-password"
            try:
                a.auth(mechanism, a.auth_plain if mechanism == "PLAIN" else a.auth_login)
                check(False, "AUTH %s with a wrong password fails" % mechanism)
            except smtplib.SMTPAuthenticationError as e:
                check(e.smtp_code == 535, "AUTH %s with a wrong password: 535 (%d %r)" % (mechanism, e.smtp_code, e.smtp_error))
            code, _ = a.mail(ALICE)
            code, _ = a.rcpt(BOB)
            check(code in (550, 554), "no relay after a failed AUTH %s (%d)" % (mechanism, code))
            a.quit()
        a = smtp(server)
        try:
            a.login(ALICE, "not-the-password")
            check(False, "login() with a wrong password raises")
        except smtplib.SMTPAuthenticationError as e:
            check(e.smtp_code == 535, "login() with a wrong password: 535 (%r)" % e.smtp_code)
        a.close()

        # Size: SIZE= over the limit is refused at MAIL (RFC 1870), and so is DATA over it.
        code, text = s.mail(STRANGER, ["SIZE=%d" % (MAX_SIZE + 1)])
        check(code == 552, "MAIL FROM with SIZE=%d: 552 (%d %r)" % (MAX_SIZE + 1, code, text))
        code, _ = s.mail(STRANGER, ["SIZE=%d" % MAX_SIZE])
        check(code == 250, "MAIL FROM with SIZE=%d (the limit): 250" % MAX_SIZE)
        s.rset()
        # DATA without SIZE: a message of exactly MAX_SIZE octets is taken, one more is not
        # (RFC 1870 counts the message without dot-stuffing: every line here starts with a
        # dot, so on the wire it is larger). The one taken is read back whole.
        for extra, expected in ((1, 552), (0, 250)):
            subject = "smtplib size limit%+d" % extra
            big = sized_message(subject, MAX_SIZE + extra)
            step = send(s, STRANGER, [ALICE], big)
            check(step[:2] == ("DATA", expected),
                  "DATA of %d octets without SIZE: %d (%r)" % (len(big), expected, step[:2]))
        stored += 1
        check(s.noop()[0] == 250, "the session goes on after 552: NOOP 250")
        pop_copy, imap_copy = read_back_last(server)
        check(pop_copy == big, "the %d-octet message read back by POP3 RETR, byte for byte" % len(big))
        check(imap_copy == big, "... and by IMAP FETCH BODY.PEEK[]")

        # 8-bit text (RFC 6152), not even valid UTF-8: kept byte for byte; the JSON trace
        # carries such data in data_base64 (docs/trace-json.md).
        eight = message("smtplib eight bit", b"caf\xc3\xa9 \xff\xfe\x80 raw bytes\r\n", sender=STRANGER)
        code, _ = s.mail(STRANGER, ["BODY=8BITMIME"])
        check(code == 250, "MAIL FROM with BODY=8BITMIME: 250")
        check(s.rcpt(ALICE)[0] == 250 and s.data(eight)[0] == 250, "an 8-bit message: 250")
        stored += 1
        adds = server.wait_for(lambda e: e["kind"] == "mailbox-add" and "smtplib eight bit" in e["data"])
        check(len(adds) == 1 and "data_base64" in adds[0]
              and without_received(base64.b64decode(adds[0]["data_base64"])) == eight,
              "trace: the 8-bit message's bytes in data_base64")
        pop_copy, imap_copy = read_back_last(server)
        check(pop_copy == eight and imap_copy == eight, "the 8-bit message read back byte for byte by POP3 and IMAP")

        # Recipients: the first MAX_RECIPIENTS are taken, the next gets 452 (RFC 5321 4.5.3.1.8).
        check(s.mail(STRANGER)[0] == 250, "MAIL FROM 250 before the recipients")
        codes = [s.rcpt(ALICE)[0] for _ in range(MAX_RECIPIENTS + 2)]
        check(codes[:MAX_RECIPIENTS] == [250] * MAX_RECIPIENTS,
              "the first %d recipients: 250 (%r)" % (MAX_RECIPIENTS, sorted(set(codes[:MAX_RECIPIENTS]))))
        check(codes[MAX_RECIPIENTS:] == [452, 452], "recipients over %d: 452 (%r)" % (MAX_RECIPIENTS, codes[MAX_RECIPIENTS:]))
        check(s.rset()[0] == 250, "RSET after too many recipients: 250")

        # A command line over 512 octets (RFC 5321 4.5.3.1.4; this one is over 1000): 500, and the session goes on.
        code, text = s.docmd("NOOP", "x" * 1100)
        check(code == 500, "a 1106-octet command line: 500 (%d %r)" % (code, text))
        check(s.noop()[0] == 250, "NOOP 250 after the long line")
        s.quit()

        # Too many errors: garbage commands get 500 until the server gives up with 421 and
        # closes the connection.
        r = RawClient(server, "smtp")
        check(r.smtp_reply().startswith(b"220 "), "raw SMTP greeting 220")
        replies = []
        for _ in range(MAX_ERRORS):
            r.send(b"XYZZY plugh\r\n")
            replies.append(r.smtp_reply()[:3])
        # The 421 follows the tenth 500 without another command (RFC 5321 3.8: a server
        # may close after 421 on its own).
        last = r.smtp_reply()
        check(replies == [b"500"] * MAX_ERRORS, "%d garbage commands: 500 each (%r)" % (MAX_ERRORS, replies))
        check(last.startswith(b"421 ") and b"Too many errors" in last, "then 421 too many errors (%r)" % last)
        check(r.at_eof(), "the connection is closed after 421")
        r.close()
        check(not added_to(server, ALICE, "smtplib size limit+1"), "nothing stored of the message over the limit")

        # A relayed message bob's server refuses (no such user) comes back to alice as a
        # delivery status notification (RFC 3464) that she reads like any other mail.
        a = smtp(server)
        a.login(ALICE, ALICE_PASSWORD)
        step = send(a, ALICE, ["nobody@example.net"], message("smtplib to nobody", to="nobody@example.net"))
        check(step[:2] == ("DATA", 250), "relay to nobody@example.net: 250 at first (%r)" % (step[:2],))
        a.quit()
        bounces = server.wait_for(lambda e: e["kind"] == "bounce")
        check(len(bounces) == 1 and "nobody@example.net" in bounces[0]["data"], "trace: a bounce for nobody@example.net")
        stored += 1
        dsn = server.wait_for(lambda e: e["kind"] == "mailbox-add" and e["detail"] == ALICE and "MAILER-DAEMON" in e["data"])
        check(len(dsn) == 1, "trace: the bounce lands in alice's mailbox")
        p = pop_login_when_free(server)
        count, _ = p.stat()
        _, lines, _ = p.retr(count)
        p.quit()
        report = pop3_bytes(lines)
        check(b"Content-Type: multipart/report;" in report and b"report-type=delivery-status" in report
              and b"Final-Recipient: rfc822; nobody@example.net" in report and b"Subject: smtplib to nobody" in report,
              "POP3: the newest message is the report, with the returned message")
    finally:
        server.check_stopped(stored)


# ---------------------------------------------------------------------------------- dropped

def part_dropped(cli):
    """A client that goes away in the middle of DATA leaves nothing behind."""
    server = Server(cli)
    stored = BASELINE
    try:
        endings = {
            "close mid-body": b"a partial line",
            "close after CR LF .": b"the last line\r\n.",  # the dot without its CR LF
            "close after CR LF . CR": b"the last line\r\n.\r",
        }
        for i, (how, tail) in enumerate(endings.items()):
            marker = "dropped %d" % i
            r = RawClient(server, "smtp")
            check(r.smtp_reply().startswith(b"220"), "%s: greeting" % how)
            for command, code in ((b"EHLO judge.example", b"250"), (b"MAIL FROM:<%s>" % STRANGER.encode(), b"250"),
                                  (b"RCPT TO:<%s>" % ALICE.encode(), b"250"), (b"DATA", b"354")):
                r.send(command + b"\r\n")
                reply = r.smtp_reply()
                check(reply.startswith(code), "%s: %s -> %s (%r)" % (how, command.split()[0].decode(), code.decode(), reply[:40]))
            r.send(message(marker, b"first line\r\n" + tail, sender=STRANGER))
            if i == 2:
                r.sock.shutdown(socket.SHUT_WR)  # half-close: the server sees the end of input
                check(r.at_eof(), "%s: the server closes its side too" % how)
            r.close()
            fins = server.wait_for(lambda e: e["kind"] == "tcp-fin" and e["from"] == REAL_CLIENTS, count=i + 1)
            check(len(fins) >= i + 1, "%s: the trace shows the client's close" % how)
        # A normal message afterwards still goes through, and is the only one stored.
        send_local(server, "dropped after")
        stored += 1
        for i in range(len(endings)):
            check(not server.trace(lambda e: e["kind"] in ("mailbox-add", "queue-add") and "dropped %d" % i in e["data"]),
                  "no mailbox-add or queue-add for dropped message %d" % i)
    finally:
        server.check_stopped(stored)


# ---------------------------------------------------------------------------------- poplib

def pop_login(server, apop=False):
    p = poplib.POP3(HOST, server.port("pop3"), timeout=TIMEOUT)
    if apop:
        check(p.apop(ALICE, ALICE_PASSWORD).startswith(b"+OK"), "APOP +OK")
    else:
        check(p.user(ALICE).startswith(b"+OK"), "USER +OK")
        check(p.pass_(ALICE_PASSWORD).startswith(b"+OK"), "PASS +OK")
    return p


def pop_login_when_free(server):
    """The server learns of an abrupt close asynchronously: until then the maildrop is still
    locked ([IN-USE]); try again for a while."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        p = poplib.POP3(HOST, server.port("pop3"), timeout=TIMEOUT)
        p.user(ALICE)
        try:
            p.pass_(ALICE_PASSWORD)
            return p
        except poplib.error_proto as e:
            p.quit()
            if b"[IN-USE]" not in e.args[0] or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def part_poplib(cli):
    server = Server(cli)
    stored = BASELINE
    try:
        first = send_local(server, "poplib first", b"First.\r\n.leading dot\r\nline 3\r\nline 4\r\n")
        second = send_local(server, "poplib second", b"Second.\r\n")
        stored += 2

        p = poplib.POP3(HOST, server.port("pop3"), timeout=TIMEOUT)
        welcome = p.getwelcome()
        check(welcome.startswith(b"+OK") and re.search(rb"<[^<>]+@[^<>]+>$", welcome) is not None,
              "greeting +OK with an APOP timestamp (%r)" % welcome)
        check({"USER", "TOP", "UIDL"} <= set(p.capa()), "CAPA: USER TOP UIDL")
        p.user(ALICE)
        p.pass_(ALICE_PASSWORD)
        count, size = p.stat()
        _, listing, _ = p.list()
        sizes = [int(l.split()[1]) for l in listing]
        check(count == 2 and len(sizes) == 2 and size == sum(sizes), "STAT (%d, %d) agrees with LIST %r" % (count, size, sizes))
        _, uids, _ = p.uidl()
        uids = [u.split()[1] for u in uids]
        check(len(uids) == 2 and len(set(uids)) == 2, "UIDL: two different ids (%r)" % uids)
        _, lines, octets = p.retr(1)
        got = pop3_bytes(lines)
        check(octets == sizes[0] and len(got) == sizes[0], "RETR 1: %d octets as LIST said (%d)" % (octets, sizes[0]))
        check(without_received(got) == first, "RETR 1: the bytes sent, apart from Received:")
        _, lines, _ = p.retr(2)
        check(without_received(pop3_bytes(lines)) == second, "RETR 2: the bytes sent, apart from Received:")
        _, lines, _ = p.top(1, 2)
        header, _, body = pop3_bytes(lines).partition(b"\r\n\r\n")
        check(body == b"First.\r\n.leading dot\r\n" and without_received(header + b"\r\n\r\n") == first.partition(b"\r\n\r\n")[0] + b"\r\n\r\n",
              "TOP 1 2: the header and two body lines (%r)" % body)
        retrs = server.wait_for(lambda e: e["kind"] == "pop3-reply" and e["to"] == REAL_CLIENTS
                                and "Subject: poplib first" in e["data"], count=2)
        check(len(retrs) == 2 and all(e.get("real_client") is True for e in retrs),
              "trace: the RETR and TOP replies to the real client, real_client true")

        # DELE then RSET keeps it.
        check(p.dele(1).startswith(b"+OK"), "DELE 1 +OK")
        check(p.stat()[0] == 1, "STAT after DELE: 1")
        check(p.rset().startswith(b"+OK"), "RSET +OK")
        check(p.stat() == (count, size), "STAT after RSET: both again")
        # DELE then a dropped connection deletes nothing (RFC 1939 6: only QUIT updates).
        p.dele(1)
        p.sock.close()
        p.file.close()
        p = pop_login_when_free(server)
        check(p.stat() == (count, size), "after DELE and a dropped connection: still both (%r)" % (p.stat(),))
        # DELE then QUIT removes it.
        p.dele(1)
        reply = p.quit()
        check(reply.startswith(b"+OK") and b"1 message left" in reply, "QUIT after DELE: %r" % reply)
        stored -= 1
        removes = server.wait_for(lambda e: e["kind"] == "mailbox-remove" and e["from"] == SERVER)
        check(len(removes) == 1 and "POP3 QUIT" in removes[0]["data"] and removes[0]["detail"] == ALICE,
              "trace: one mailbox-remove of alice's by POP3 QUIT (%r)" % [e["data"] for e in removes])
        p = pop_login(server, apop=True)
        check(p.stat() == (1, sizes[1]), "APOP session: one message left, the second (%r)" % (p.stat(),))
        _, left, _ = p.uidl()
        check([l.split()[1] for l in left] == [uids[1]], "UIDL keeps the second message's id (%r)" % left)
        _, lines, _ = p.retr(1)
        check(without_received(pop3_bytes(lines)) == second, "RETR 1 is now the second message")
        p.quit()

        # Wrong passwords.
        p = poplib.POP3(HOST, server.port("pop3"), timeout=TIMEOUT)
        p.user(ALICE)
        try:
            p.pass_("not-the-password")
            check(False, "PASS with a wrong password fails")
        except poplib.error_proto as e:
            check(e.args[0].startswith(b"-ERR"), "PASS with a wrong password: -ERR (%r)" % e.args[0])
        p.quit()
        p = poplib.POP3(HOST, server.port("pop3"), timeout=TIMEOUT)
        try:
            p.apop(ALICE, "not-the-password")
            check(False, "APOP with a wrong password fails")
        except poplib.error_proto as e:
            check(e.args[0].startswith(b"-ERR"), "APOP with a wrong password: -ERR (%r)" % e.args[0])
        p.quit()
    finally:
        server.check_stopped(stored)


# ---------------------------------------------------------------------------------- imaplib

def imap_login(server):
    m = imaplib.IMAP4(HOST, server.port("imap"), timeout=TIMEOUT)
    typ, _ = m.login(ALICE, ALICE_PASSWORD)
    check(typ == "OK", "IMAP LOGIN OK")
    return m


def part_imaplib(cli):
    server = Server(cli)
    stored = BASELINE
    try:
        first = send_local(server, "imaplib first", b"First.\r\n")
        second = send_local(server, "imaplib second", b"Second.\r\n")
        stored += 2

        m = imaplib.IMAP4(HOST, server.port("imap"), timeout=TIMEOUT)
        check("IMAP4REV1" in m.capabilities and "IDLE" in m.capabilities, "CAPABILITY IMAP4rev1 IDLE (%r)" % (m.capabilities,))
        try:
            m.login(ALICE, "not-the-password")
            check(False, "LOGIN with a wrong password fails")
        except imaplib.IMAP4.error as e:
            check("AUTHENTICATIONFAILED" in str(e) or "fail" in str(e).lower(), "LOGIN wrong password: %s" % e)
        nos = server.wait_for(lambda e: e["kind"] == "imap-reply" and e["code"] == 2)
        check(len(nos) == 1 and " NO " in nos[0]["data"], "trace: the tagged NO (%r)" % [e["data"] for e in nos])
        typ, _ = m.login(ALICE, ALICE_PASSWORD)
        check(typ == "OK", "LOGIN OK after a failed one")

        typ, data = m.list()
        check(typ == "OK" and any(d.endswith(b"INBOX") for d in data), "LIST has INBOX (%r)" % data)
        typ, data = m.select("INBOX")
        check(typ == "OK" and data == [b"2"], "SELECT INBOX: 2 EXISTS (%r)" % data)
        typ, data = m.search(None, "ALL")
        check(data == [b"1 2"], "SEARCH ALL: 1 2 (%r)" % data)
        typ, data = m.search(None, "SUBJECT", '"imaplib second"')
        check(data == [b"2"], "SEARCH SUBJECT: 2 (%r)" % data)
        typ, data = m.search(None, "UNSEEN")
        check(data == [b"1 2"], "SEARCH UNSEEN: 1 2 (%r)" % data)

        typ, data = m.fetch("1", "(BODY.PEEK[HEADER])")
        check(typ == "OK" and without_received(data[0][1]) == first.partition(b"\r\n\r\n")[0] + b"\r\n\r\n",
              "FETCH BODY.PEEK[HEADER]: the header sent, with Received:")
        typ, data = m.fetch("1", "(FLAGS)")
        check(typ == "OK" and b"\\Seen" not in data[0], "FETCH FLAGS after PEEK: not \\Seen (%r)" % data)
        typ, data = m.fetch("2", "(RFC822)")
        check(typ == "OK" and without_received(data[0][1]) == second, "FETCH 2 RFC822: the bytes sent")
        typ, data = m.fetch("2", "(FLAGS)")
        check(typ == "OK" and b"\\Seen" in data[0], "FETCH RFC822 sets \\Seen (%r)" % data)

        typ, data = m.store("1", "+FLAGS", "(\\Flagged \\Seen)")
        check(typ == "OK" and b"\\Flagged" in data[0] and b"\\Seen" in data[0], "STORE +FLAGS (\\Flagged \\Seen): %r" % data)
        flags = server.wait_for(lambda e: e["kind"] == "mailbox-flags" and "\\Flagged" in e["data"])
        check(len(flags) == 1 and "\\Seen" in flags[0]["data"], "trace: mailbox-flags \\Flagged \\Seen")
        typ, data = m.search(None, "FLAGGED")
        check(data == [b"1"], "SEARCH FLAGGED: 1 (%r)" % data)

        check(m.create("Judged")[0] == "OK", "CREATE Judged OK")
        typ, data = m.copy("1", "Judged")
        check(typ == "OK", "COPY 1 Judged OK (%r)" % data)
        stored += 1
        # APPEND sends the message as a literal, after the server's "+" (RFC 3501 7.5).
        appended = message("imaplib appended", b"Put here by APPEND.\r\n")
        typ, data = m.append("Judged", "(\\Draft)", None, appended)
        check(typ == "OK", "APPEND to Judged: OK (%r)" % data)
        stored += 1
        typ, data = m.status("Judged", "(MESSAGES)")
        check(typ == "OK" and b"MESSAGES 2" in data[0], "STATUS Judged: MESSAGES 2 (%r)" % data)
        typ, data = m.list()
        names = [d.rsplit(b" ", 1)[-1].strip(b'"') for d in data]
        check(sorted(names) == [b"INBOX", b"Judged"], "LIST: INBOX and Judged (%r)" % names)

        typ, data = m.store("2", "+FLAGS", "(\\Deleted)")
        check(typ == "OK" and b"\\Deleted" in data[0], "STORE 2 +FLAGS \\Deleted")
        typ, data = m.expunge()
        check(typ == "OK" and data == [b"2"], "EXPUNGE: * 2 EXPUNGE (%r)" % data)
        stored -= 1
        typ, data = m.search(None, "ALL")
        check(data == [b"1"], "SEARCH ALL after EXPUNGE: 1 (%r)" % data)
        removes = server.wait_for(lambda e: e["kind"] == "mailbox-remove" and "IMAP EXPUNGE" in e["data"])
        check(len(removes) == 1, "trace: mailbox-remove by IMAP EXPUNGE")

        typ, _ = m.select("Judged", readonly=True)
        typ, data = m.fetch("1", "(RFC822 FLAGS)")
        items = data[0][0] + data[1]  # FLAGS may come after the literal
        check(typ == "OK" and without_received(data[0][1]) == first and b"\\Flagged" in items,
              "the copy in Judged: the bytes and \\Flagged (%r)" % items)
        typ, data = m.fetch("2", "(BODY.PEEK[] FLAGS)")
        items = data[0][0] + data[1]
        check(typ == "OK" and data[0][1] == appended and b"\\Draft" in items,
              "the appended message in Judged: the bytes exactly, and \\Draft (%r)" % items)
        typ, data = m.logout()
        check(typ == "BYE", "LOGOUT: BYE (%r)" % typ)

        # IDLE (RFC 2177), by hand: a message sent by smtplib meanwhile is pushed as EXISTS.
        m = imap_login(server)
        typ, data = m.select("INBOX")
        before = int(data[0])
        tag = m._new_tag()
        m.send(tag + b" IDLE\r\n")
        line = m.readline()
        check(line.startswith(b"+"), "IDLE: continuation (%r)" % line)
        send_local(server, "imaplib while idling")
        stored += 1
        m.sock.settimeout(TIMEOUT)
        line = m.readline()
        check(line == b"* %d EXISTS\r\n" % (before + 1), "IDLE: * %d EXISTS pushed (%r)" % (before + 1, line))
        m.send(b"DONE\r\n")
        rest = [m.readline()]
        while rest[-1].startswith(b"* ") and len(rest) < 10:
            rest.append(m.readline())  # * n RECENT may come too
        check(all(l.startswith(b"* ") for l in rest[:-1]) and rest[-1].startswith(tag + b" OK"),
              "DONE: tagged OK (%r)" % rest)
        typ, data = m.fetch(str(before + 1), "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        check(typ == "OK" and b"imaplib while idling" in data[0][1], "the new message is the one sent (%r)" % data[0][1])
        m.logout()
    finally:
        server.check_stopped(stored)


# ---------------------------------------------------------------------------------- curl

def curl(*args, data=None):
    proc = subprocess.run(["curl", "--silent", "--show-error", "--max-time", str(TIMEOUT)] + list(args),
                          input=data, capture_output=True, timeout=TIMEOUT + 5)
    return proc.returncode, proc.stdout, proc.stderr


def part_curl(cli):
    if shutil.which("curl") is None:
        check(False, "curl is installed (scripts/setup.sh installs it)")
        return
    server = Server(cli)
    stored = BASELINE
    user = "%s:%s" % (ALICE, ALICE_PASSWORD)
    try:
        smtp_url = "smtp://%s:%d" % (HOST, server.port("smtp"))
        # smtp:// with --user: AUTH, then relay to bob.
        relayed = message("curl relay", b"Sent by curl.\r\n", to=BOB)
        rc, _, err = curl(smtp_url, "--mail-from", ALICE, "--mail-rcpt", BOB, "--user", user, "-T", "-", data=relayed)
        check(rc == 0, "curl smtp:// --user to bob: exit 0 (%d %r)" % (rc, err))
        arrived = server.wait_for(lambda e: e["kind"] == "mailbox-add" and e["from"] == BOB_SERVER and "curl relay" in e["data"])
        check(len(arrived) == 1, "trace: bob's mailbox-add at %s" % BOB_SERVER)
        auths = server.trace(lambda e: e["kind"] == "smtp-reply" and e["code"] == 235)
        check(len(auths) == 1, "trace: curl logged in (235)")
        stored += 1
        # ... and to alice, to read back.
        local = message("curl local", b"Read me with curl.\r\n.dot\r\n")
        rc, _, err = curl(smtp_url, "--mail-from", ALICE, "--mail-rcpt", ALICE, "--user", user, "-T", "-", data=local)
        check(rc == 0, "curl smtp:// to alice: exit 0 (%d %r)" % (rc, err))
        stored += 1
        check(len(server.wait_for(lambda e: e["kind"] == "mailbox-add" and "curl local" in e["data"])) == 1,
              "trace: alice's mailbox-add")
        # Without --user the relay is refused: curl's exit code 55 (failed sending) and no mail.
        rc, _, err = curl(smtp_url, "--mail-from", ALICE, "--mail-rcpt", BOB, "-T", "-",
                          data=message("curl refused", to=BOB))
        check(rc != 0 and b"550" in err, "curl smtp:// to bob without --user: refused with 550 (%d %r)" % (rc, err))

        pop_url = "pop3://%s:%d" % (HOST, server.port("pop3"))
        rc, out, err = curl(pop_url, "--user", user)
        check(rc == 0 and re.fullmatch(rb"1 \d+\r\n", out) is not None, "curl pop3:// lists one message (%d %r)" % (rc, out))
        rc, out, err = curl(pop_url + "/1", "--user", user)
        check(rc == 0 and without_received(out) == local, "curl pop3://.../1 retrieves the bytes sent (%d)" % rc)
        rc, out, err = curl(pop_url, "--user", ALICE + ":wrong")
        check(rc == 67, "curl pop3:// with a wrong password: exit 67, login denied (%d)" % rc)

        imap_url = "imap://%s:%d" % (HOST, server.port("imap"))
        rc, out, err = curl(imap_url + "/INBOX;UID=1", "--user", user)
        check(rc == 0 and without_received(out) == local, "curl imap://.../INBOX;UID=1 fetches the bytes sent (%d %r)" % (rc, err))
        rc, out, err = curl(imap_url, "--user", user)
        check(rc == 0 and re.search(rb'^\* LIST \([^)]*\) "[^"]*" "?INBOX"?\r$', out, re.M) is not None,
              "curl imap:// lists the mailboxes (%r)" % out)
        rc, out, err = curl(imap_url + "/INBOX;UID=1", "--user", ALICE + ":wrong")
        check(rc == 67, "curl imap:// with a wrong password: exit 67 (%d)" % rc)

        http_url = "http://%s:%d/" % (HOST, server.port("http"))
        rc, out, err = curl("--location", "--write-out", "\n%{http_code}", http_url)
        page, _, status = out.rpartition(b"\n")
        check(rc == 0 and status == b"200", "curl http:// web mail: 200 (%d %r)" % (rc, status))
        check(b"<form" in page and b'type="password"' in page, "the page is the login form")
    finally:
        server.check_stopped(stored)


# ---------------------------------------------------------------------------------- webmail

def part_webmail(cli):
    """The web mail through the bridge with http.client: log in, read, send to bob, log out."""
    server = Server(cli)
    stored = BASELINE
    try:
        send_local(server, "webmail to read", b"Read me in a browser.\r\n")
        stored += 1
        h = http.client.HTTPConnection(HOST, server.port("http"), timeout=TIMEOUT)  # one keep-alive connection

        def request(method, path, form=None, cookie=None):
            headers = {"Cookie": cookie} if cookie else {}
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            h.request(method, path, body=body, headers=headers)
            resp = h.getresponse()
            return resp, resp.read().decode("utf-8", "replace")

        resp, page = request("GET", "/")
        check(resp.status == 200 and 'name="user"' in page and 'name="password"' in page, "GET /: 200, the login form")
        resp, page = request("POST", "/login", {"user": ALICE, "password": "not-the-password"})
        check(resp.status == 403 and resp.getheader("Set-Cookie") is None, "a wrong password: 403, no session (%d)" % resp.status)
        resp, _ = request("GET", "/inbox")
        check(resp.status == 303 and resp.getheader("Location") == "/", "the inbox without a session: 303 to / (%d)" % resp.status)
        resp, _ = request("POST", "/login", {"user": ALICE, "password": ALICE_PASSWORD})
        cookie = (resp.getheader("Set-Cookie") or "").split(";")[0]
        check(resp.status == 303 and resp.getheader("Location") == "/inbox" and cookie.startswith("session="),
              "log in: 303 to /inbox with a session cookie (%d %r)" % (resp.status, cookie))
        resp, page = request("GET", "/inbox", cookie=cookie)
        check(resp.status == 200 and "webmail to read" in page and "/message/1" in page,
              "GET /inbox: 200, the message listed")
        resp, page = request("GET", "/message/1", cookie=cookie)
        check(resp.status == 200 and "Read me in a browser." in page, "GET /message/1: 200, its text")
        resp, _ = request("POST", "/send", {"to": BOB, "cc": "", "subject": "webmail to bob", "body": "Sent from a browser."},
                          cookie=cookie)
        check(resp.status == 303 and resp.getheader("Location") == "/inbox?sent=1", "POST /send: 303 (%d)" % resp.status)
        arrived = server.wait_for(lambda e: e["kind"] == "mailbox-add" and e["from"] == BOB_SERVER and "webmail to bob" in e["data"])
        check(len(arrived) == 1 and "Sent from a browser." in arrived[0]["data"], "trace: bob's mailbox-add at %s" % BOB_SERVER)
        stored += 1
        resp, _ = request("POST", "/logout", {}, cookie=cookie)
        check(resp.status == 303, "log out: 303")
        resp, _ = request("GET", "/inbox", cookie=cookie)
        check(resp.status == 303 and resp.getheader("Location") == "/", "the old cookie after logout: 303 to /")
        h.close()
    finally:
        server.check_stopped(stored)


# ---------------------------------------------------------------------------------- limits

def greeting_of(server, service):
    r = RawClient(server, service)
    return r, r.line()


def part_limits(cli):
    # At most two real clients at once: the third is turned away the protocol's way.
    server = Server(cli, "--max-connections", "2")
    try:
        a, ga = greeting_of(server, "smtp")
        b, gb = greeting_of(server, "pop3")
        check(ga.startswith(b"220") and gb.startswith(b"+OK"), "two clients: 220 and +OK (%r %r)" % (ga, gb))
        expected = {"smtp": b"421 4.7.0 " + SERVER.encode() + b" Too many connections",
                    "pop3": b"-ERR [SYS/TEMP] Too many connections", "imap": b"* BYE Too many connections",
                    "http": None}
        for service, answer in expected.items():
            if service == "http":
                h = http.client.HTTPConnection(HOST, server.port("http"), timeout=TIMEOUT)
                h.request("GET", "/")
                resp = h.getresponse()
                check(resp.status == 503 and resp.getheader("Retry-After") == "5", "a third HTTP client: 503 (%d)" % resp.status)
                h.close()
                continue
            c, line = greeting_of(server, service)
            check(line.startswith(answer), "a third %s client: %r" % (service, line))
            check(c.at_eof(), "... and it is closed")
            c.close()
        notes = server.wait_for(lambda e: e["kind"] == "note" and "turned away" in e["data"], count=4)
        check(len(notes) == 4, "trace: four notes of clients turned away (%d)" % len(notes))
        # A second serve on a port in use says so and stops (exit 1), leaving the first alone.
        other = subprocess.run([cli, "serve", "--smtp", str(server.port("smtp")), "--format", "none", "--max-seconds", "5"],
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
        check(other.returncode == 1 and b"cannot listen for smtp on 127.0.0.1 port %d" % server.port("smtp") in other.stderr,
              "a second serve on the same port: exit 1, 'cannot listen' (%d %r)" % (other.returncode, other.stderr[-120:]))
        # One leaves: there is room again.
        a.send(b"QUIT\r\n")
        check(a.line().startswith(b"221") and a.at_eof(), "QUIT 221 and closed")
        a.close()
        deadline = time.monotonic() + TIMEOUT
        while True:
            c, line = greeting_of(server, "smtp")
            if line.startswith(b"220") or time.monotonic() > deadline:
                break
            c.close()
            time.sleep(0.05)
        check(line.startswith(b"220"), "after one left, a new SMTP client gets 220 (%r)" % line)
        c.close()
        b.close()
    finally:
        server.check_stopped(BASELINE)

    # Idle timeout of a second: a silent session hears the server's goodbye and is closed;
    # one that keeps talking is not.
    server = Server(cli, "--idle-timeout", "1")
    try:
        goodbyes = {"smtp": b"421 ", "pop3": b"-ERR ", "imap": b"* BYE ", "http": b""}
        heard = {}

        def silent(service):
            r = RawClient(server, service)
            greeting = b"" if service == "http" else r.line()
            began = time.monotonic()
            bye = r.line()  # b"" for HTTP: a keep-alive connection just closes
            heard[service] = (greeting, bye, time.monotonic() - began, r.at_eof())
            r.close()

        def silent_in_data():
            # Silent in the middle of DATA: 421, and the half-sent message is not stored.
            r = RawClient(server, "smtp")
            r.line()
            for command in (b"HELO judge.example", b"MAIL FROM:<%s>" % STRANGER.encode(),
                            b"RCPT TO:<%s>" % ALICE.encode(), b"DATA"):
                r.send(command + b"\r\n")
                r.line()
            r.send(b"Subject: idle in data\r\n\r\nhalf a messa")
            heard["smtp in DATA"] = (b"", r.line(), 1.0, r.at_eof())
            r.close()

        def silent_after_dele():
            # Silent after DELE: autologout is not QUIT, so nothing is deleted (RFC 1939 3).
            p = pop_login(server)
            p.dele(1)
            p.sock.settimeout(TIMEOUT)
            heard["pop3 after DELE"] = (b"", p.file.readline(), 1.0, p.file.readline() == b"")
            p.close()

        send_local(server, "idle keep me")
        threads = [threading.Thread(target=silent, args=(s,)) for s in goodbyes]
        threads += [threading.Thread(target=silent_in_data), threading.Thread(target=silent_after_dele)]
        for t in threads:
            t.start()
        talker, line = greeting_of(server, "smtp")
        check(line.startswith(b"220"), "talking client: 220")
        replies = []
        for _ in range(6):  # 2.4 s of NOOPs, every 0.4 s
            time.sleep(0.4)
            talker.send(b"NOOP\r\n")
            replies.append(talker.line()[:3])
        check(replies == [b"250"] * 6, "a session with a NOOP every 0.4 s stays open (%r)" % replies)
        for t in threads:
            t.join(TIMEOUT)
        for service, expected in goodbyes.items():
            greeting, bye, elapsed, closed = heard.get(service, (b"", b"?", 0, False))
            check(bye.startswith(expected) and (service != "http" or bye == b""),
                  "silent %s session: %r" % (service, bye))
            check(0.9 <= elapsed <= 2.5, "... after about a second (%.2f s)" % elapsed)
            check(closed, "... and the connection is closed")
        for what, expected in (("smtp in DATA", b"421 "), ("pop3 after DELE", b"-ERR ")):
            _, bye, _, closed = heard.get(what, (b"", b"?", 0, False))
            check(bye.startswith(expected) and closed, "silent %s: %r, then closed" % (what, bye))
        talker.send(b"QUIT\r\n")
        check(talker.line().startswith(b"221"), "the talking client's QUIT: 221")
        talker.close()
        p = pop_login_when_free(server)
        _, lines, _ = p.retr(1)
        check(p.stat()[0] == 1 and b"Subject: idle keep me" in lines, "the message DELE marked is still there")
        p.quit()
        check(not server.trace(lambda e: e["kind"] in ("mailbox-add", "queue-add") and "idle in data" in e["data"]),
              "nothing stored of the message cut off by the idle timeout")
    finally:
        server.check_stopped(BASELINE + 1)


# ---------------------------------------------------------------------------------- garbage

def normal_sessions(server, subject):
    """One ordinary session on each port; returns how many messages it stored."""
    send_local(server, subject)
    p = pop_login_when_free(server)
    count, _ = p.stat()
    check(count >= 1, "POP3 still answers: STAT %d" % count)
    p.quit()
    m = imap_login(server)
    typ, data = m.select("INBOX", readonly=True)
    check(typ == "OK" and int(data[0]) == count, "IMAP still answers: %s EXISTS" % data[0])
    m.logout()
    h = http.client.HTTPConnection(HOST, server.port("http"), timeout=TIMEOUT)
    h.request("GET", "/")
    check(h.getresponse().status == 200, "HTTP still answers: 200")
    h.close()
    return 1


# What each server says to a line too long (SMTP RFC 5321 4.5.3.1.4, IMAP's own limit,
# HTTP RFC 9112 3), to a line with NUL bytes, and a command that shows the session recovered.
TOO_LONG = {"smtp": b"500 Line too long", "pop3": b"-ERR line too long",
            "imap": b"* BAD Command line too long", "http": b"HTTP/1.1 414 "}
WITH_NUL = {"smtp": b"500 Syntax error, control characters", "pop3": b"-ERR", "imap": None,
            "http": b"HTTP/1.1 400 "}
RECOVER = {"smtp": (b"\r\nNOOP\r\n", b"250 "), "pop3": (b"\r\nUSER %s\r\n" % ALICE.encode(), b"+OK"),
           "imap": (b"\r\na1 NOOP\r\n", b"a1 OK")}
NEGATIVE = {"smtp": (b"500 ", b"421 "), "pop3": (b"-ERR ",), "imap": None, "http": None}


def part_garbage(cli):
    server = Server(cli)
    stored = BASELINE
    rng = random.Random(20260601)
    try:
        for service in ("smtp", "pop3", "imap", "http"):
            # Random bytes (seeded) in random chunks: every answer is an error, until the
            # server has had enough and says goodbye.
            r = RawClient(server, service)
            greeting = b"" if service == "http" else r.line()
            try:
                for _ in range(40):
                    r.send(bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 2048))))
                r.sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the server closed first (too many errors): what it said is read below
            check(r.at_eof(reset_is_close=True), "%s: random bytes, then the server closes" % service)
            answers = r.lines()
            if service == "http":
                check(answers and answers[0].startswith(b"HTTP/1.1 400 "), "http: random bytes: 400 (%r)" % answers[:1])
            elif service == "imap":
                check(answers and all(b" BAD " in a or a.startswith(b"* BYE ") for a in answers),
                      "imap: random bytes: BAD each, BYE at the end (%d answers)" % len(answers))
            else:
                check(answers and all(a.startswith(NEGATIVE[service]) for a in answers),
                      "%s: random bytes: errors only (%r)" % (service, sorted({a[:4] for a in answers})))
            r.close()

            # One MiB without a line end: the server says the line is too long, and the session
            # goes on after the line end (HTTP closes: the request is refused).
            r = RawClient(server, service)
            if service != "http":
                r.line()
            r.send(b"A" * (1 << 20))
            answer = r.line()
            check(answer.startswith(TOO_LONG[service]), "%s: a 1 MiB line: %r" % (service, answer))
            if service == "http":
                check(r.at_eof(reset_is_close=True), "http: closed after 414")
            else:
                command, reply = RECOVER[service]
                r.send(command)
                answer = r.line()
                check(answer.startswith(reply), "%s: after the line end the session goes on (%r)" % (service, answer))
                r.sock.shutdown(socket.SHUT_WR)
                check(r.at_eof(), "%s: a client's half-close, the server closes too" % service)
            r.close()

            # NUL bytes inside a command.
            r = RawClient(server, service)
            if service != "http":
                r.line()
            r.send(b"NO\0OP\r\n" if service != "http" else b"GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = r.line()
            if service == "imap":
                check(b" BAD " in answer, "imap: a command with a NUL byte: BAD (%r)" % answer)
            else:
                check(answer.startswith(WITH_NUL[service]), "%s: a command with a NUL byte: %r" % (service, answer))
            r.close()

            # Half-open: part of a command, then the client stops sending but keeps reading.
            r = RawClient(server, service)
            r.send(b"HALF")
            r.sock.shutdown(socket.SHUT_WR)
            check(r.at_eof(), "%s: a half-open connection is closed by the server" % service)
            r.close()
            # A connection that says nothing and is dropped.
            RawClient(server, service).close()
            check(server.alive(), "the server survives the garbage on %s" % service)
        # A whole session in one write, then the client's half-close (as `nc -N` does): every
        # reply still comes back (RFC 2920), and the message is stored.
        r = RawClient(server, "smtp")
        r.send(b"EHLO judge.example\r\nMAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n" % (STRANGER.encode(), ALICE.encode())
               + message("garbage pipelined", sender=STRANGER) + b".\r\nQUIT\r\n")
        r.sock.shutdown(socket.SHUT_WR)
        check(r.at_eof(), "pipelined session: the server closes after QUIT")
        codes = [l[:4] for l in r.lines() if l[3:4] == b" "]
        check(codes == [b"220 ", b"250 ", b"250 ", b"250 ", b"354 ", b"250 ", b"221 "],
              "pipelined session: 220 250 250 250 354 250 221 (%r)" % codes)
        stored += 1
        r.close()
        # SMTP smuggling: a bare LF (or CR) around the dot does not end DATA, so a second
        # transaction hidden in the body stays text of the first message (RFC 5321 4.1.1.4).
        for i, fake_end in enumerate((b"\n.\n", b"\n.\r\n", b"\r.\r\n")):
            r = RawClient(server, "smtp")
            r.send(b"HELO judge.example\r\nMAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n" % (STRANGER.encode(), ALICE.encode()))
            r.send(b"Subject: smuggle %d\r\n\r\nbody" % i + fake_end
                   + b"MAIL FROM:<evil@example.com>\r\nRCPT TO:<%s>\r\nDATA\r\nSubject: smuggled %d\r\n\r\nevil\r\n.\r\nQUIT\r\n"
                   % (ALICE.encode(), i))
            r.sock.shutdown(socket.SHUT_WR)
            r.at_eof()
            codes = [l[:3] for l in r.lines() if l[3:4] == b" "]
            check(codes == [b"220", b"250", b"250", b"250", b"354", b"250", b"221"],
                  "smuggling %r: one transaction, one 250 after the data (%r)" % (fake_end, codes))
            stored += 1
            r.close()
            adds = server.wait_for(lambda e: e["kind"] == "mailbox-add" and "smuggle %d" % i in e["data"])
            check(len(adds) == 1 and "Subject: smuggled %d" % i in adds[0]["data"],
                  "smuggling %r: one message, the hidden one inside it" % fake_end)
            check(not server.trace(lambda e: e["kind"] == "mailbox-add" and e["data"].startswith("Received")
                                   and "\r\nSubject: smuggled %d" % i in e["data"].split("\r\n\r\n")[0]),
                  "smuggling %r: no message of its own for the hidden one" % fake_end)
        stored += normal_sessions(server, "garbage after")
        check(server.alive(), "the server process is still running")
    finally:
        server.check_stopped(stored)


# ---------------------------------------------------------------------------------- backpressure

def resident_kib(pid):
    """The process's resident memory in KiB (Linux), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def part_backpressure(cli):
    """A client that asks for much and reads slowly: the server's memory stays bounded. A few
    octets of pipelined commands (RFC 2449 PIPELINING) ask for RETRIEVALS megabytes; the bridge
    must not take in more commands while their answers wait unsent. (--format none: the trace
    of a hundred 1 MiB replies is not what is judged here; the scenario's own message is in
    bob's mailbox by the time the second below is over.)"""
    server = Server(cli, fmt="none")
    retrievals = 100
    try:
        big = sized_message("backpressure", 1 << 20)
        s = smtp(server)
        check(send(s, STRANGER, [ALICE], big)[:2] == ("DATA", 250), "a 1 MiB message for alice: 250")
        s.quit()
        r = RawClient(server, "pop3")
        r.line()
        r.send(b"USER %s\r\nPASS %s\r\n" % (ALICE.encode(), ALICE_PASSWORD.encode()))
        check(r.line().startswith(b"+OK") and r.line().startswith(b"+OK"), "POP3 login")
        before = resident_kib(server.proc.pid)
        r.send(b"RETR 1\r\n" * retrievals + b"QUIT\r\n")  # 801 octets, asking for 100 MiB
        time.sleep(1.0)  # the client reads nothing meanwhile
        during = resident_kib(server.proc.pid)
        if before is not None and during is not None:
            grown = (during - before) // 1024
            check(grown < 32, "the server's memory while the client does not read: +%d MiB (under 32)" % grown)
        # Then everything arrives, whole and in order.
        r.sock.settimeout(TIMEOUT)
        data = bytearray(r.buffer)
        while True:
            chunk = r.sock.recv(1 << 20)
            if not chunk:
                break
            data += chunk
        one = bytes(data[:data.index(b"\r\n.\r\n") + 5])  # the first answer, whole
        status, _, rest = one.partition(b"\r\n")
        lines = [l[1:] if l.startswith(b".") else l for l in rest[:-5].split(b"\r\n")]  # un-stuffed
        check(status.startswith(b"+OK ") and without_received(pop3_bytes(lines)) == big,
              "RETR 1: the 1 MiB message, dot-stuffed")
        check(data.count(one) == retrievals, "%d whole answers (%d)" % (retrievals, data.count(one)))
        check(data.endswith(b"\r\n.\r\n+OK mail.example.org POP3 server signing off (1 message left)\r\n"),
              "then QUIT's +OK, and the server closes")
        check(len(data) == retrievals * len(one) + len(b"+OK mail.example.org POP3 server signing off (1 message left)\r\n"),
              "nothing else in the %d octets" % len(data))
        r.close()
    finally:
        server.check_stopped(BASELINE + 1)


# ---------------------------------------------------------------------------------- concurrent

THREADS = 20
PER_THREAD = 5


def part_concurrent(cli):
    server = Server(cli)
    results = []
    errors = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def client(n):
        try:
            s = smtplib.SMTP(HOST, server.port("smtp"), timeout=30)
            start.wait(30)
            s.ehlo("client%d.judge.example" % n)
            for i in range(PER_THREAD):
                code, _ = s.mail(STRANGER)
                code2, _ = s.rcpt(ALICE)
                code3, _ = s.data(message("concurrent %d.%d" % (n, i), sender=STRANGER))
                with lock:
                    results.append((n, i, code, code2, code3))
            s.quit()
        except Exception as e:  # noqa: BLE001 - reported as a failure below
            with lock:
                errors.append("client %d: %r" % (n, e))

    accepted = 0
    try:
        began = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(40)
        took = time.monotonic() - began
        check(not errors, "no client failed (%r)" % errors[:3])
        check(len(results) == THREADS * PER_THREAD, "%d messages sent (%d)" % (THREADS * PER_THREAD, len(results)))
        check(all(r[2:] == (250, 250, 250) for r in results), "every MAIL, RCPT and DATA: 250")
        accepted = sum(1 for r in results if r[4] == 250)
        adds = server.wait_for(lambda e: e["kind"] == "mailbox-add" and "concurrent " in e["data"], count=accepted)
        subjects = {re.search(r"concurrent \d+\.\d+", e["data"]).group(0) for e in adds}
        check(len(adds) == accepted and len(subjects) == accepted, "trace: %d mailbox-add, each message once (%d)" % (accepted, len(adds)))
        p = pop_login(server)
        check(p.stat()[0] == accepted, "POP3 STAT: %d messages (%d)" % (accepted, p.stat()[0]))
        p.quit()
        print("     %d messages over %d connections in %.2f s" % (accepted, THREADS, took))
    finally:
        server.check_stopped(BASELINE + accepted)
    check(accepted == THREADS * PER_THREAD, "STORED counted every 250 to DATA")


# ---------------------------------------------------------------------------------- text

def part_text(cli):
    """--format text and none: the banner, the trace and the STORED line on standard output."""
    for fmt in ("text", "none"):
        server = Server(cli, fmt=fmt)
        began = time.monotonic()
        try:
            banner = list(server.banner)
            check("  %s  %s" % (ALICE, ALICE_PASSWORD) in banner, "%s: the banner names alice and her password" % fmt)
            check(any(l.startswith("MailSim serves %s" % SERVER) for l in banner), "%s: the banner names %s" % (fmt, SERVER))
            s = smtp(server)
            step = send(s, STRANGER, [ALICE], message("text format", sender=STRANGER))
            check(step[:2] == ("DATA", 250), "%s: a message to alice: 250" % fmt)
            s.quit()
            time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))  # past the scenario's own delivery
        finally:
            server.check_stopped(BASELINE + 1)
        with server.lock:
            out = list(server.banner)
        traced = [l for l in out if "c: mail from:<%s>" % STRANGER in l.lower()]  # smtplib writes "mail FROM:"
        if fmt == "text":
            check(len(traced) == 1, "text: the real client's MAIL FROM in the text trace (%d)" % len(traced))
        else:
            check(not traced and not any(l.startswith("[") for l in out), "none: no trace printed")
        check(out and out[-1] == "STORED %d messages in all mailboxes" % (BASELINE + 1),
              "%s: STORED is the last line on standard output (%r)" % (fmt, out[-1:]))

    # Ctrl-C (SIGINT) stops it like SIGTERM, with a real client still connected.
    server = Server(cli, fmt="none")
    began = time.monotonic()
    try:
        r = RawClient(server, "imap")
        check(r.line().startswith(b"* OK"), "an IMAP client is connected")
        time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
        os.kill(server.proc.pid, signal.SIGINT)
        try:
            rc = server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, "SIGINT: exit 0 (%r)" % rc)
        check(r.at_eof(reset_is_close=True), "the IMAP client's connection is closed")
        r.close()
    finally:
        server.check_stopped(BASELINE)
    with server.lock:
        check("Stopped (1 real connection closed)." in server.banner, "SIGINT: 'Stopped (1 real connection closed).'")

    # --max-seconds: the server stops by itself, in time, as after SIGTERM.
    server = Server(cli, fmt="none", max_seconds=1.5)
    try:
        began = time.monotonic()
        try:
            rc = server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rc = None
        took = time.monotonic() - began
        check(rc == 0 and took < 3, "--max-seconds 1.5: stopped by itself, exit 0 (%r after %.2f s)" % (rc, took))
    finally:
        server.check_stopped(BASELINE)


PARTS = {
    "smtplib": part_smtplib,
    "dropped": part_dropped,
    "poplib": part_poplib,
    "imaplib": part_imaplib,
    "curl": part_curl,
    "webmail": part_webmail,
    "limits": part_limits,
    "garbage": part_garbage,
    "backpressure": part_backpressure,
    "concurrent": part_concurrent,
    "text": part_text,
}


def main():
    if len(sys.argv) < 3 or any(p not in PARTS for p in sys.argv[2:]):
        raise SystemExit(__doc__)
    cli = sys.argv[1]
    for name in sys.argv[2:]:
        began = time.monotonic()
        try:
            PARTS[name](cli)
        except Exception as e:  # noqa: BLE001 - an unexpected exception is a failure too
            import traceback
            traceback.print_exc()
            check(False, "%s: unexpected %r" % (name, e))
        print("%s: %.2f s" % (name, time.monotonic() - began))
    if FAILURES:
        print("%d checks failed" % len(FAILURES))
        return 1
    print("serve judge: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
