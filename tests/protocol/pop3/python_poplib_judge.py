#!/usr/bin/env python3
"""Python's poplib judges the POP3 server engine over loopback TCP.

Usage: python_poplib_judge.py PATH/TO/mailsim-engine-server

Starts the harness with two messages for bob, talks to it with poplib.POP3, checks what it
gets (and what the store holds afterwards, through the harness's "dump" command), closes
the harness's standard input and exits non-zero on the first mismatch.
"""

import hashlib
import os
import poplib
import socket
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"
TIMESTAMP = b"<1896.697170952@mail.example.net>"  # what the harness configures

FIRST = (b"From: alice@example.org\r\nTo: bob@example.net\r\nSubject: first\r\n\r\n"
         b"Hello Bob.\r\n.a line with a leading dot\r\n.\r\nline 4\r\nline 5\r\n")
SECOND = b"From: carol@example.org\r\nSubject: second\r\n\r\nshort\r\n"


class Harness:
    def __init__(self, binary, files):
        args = [binary, "--protocol", "pop3", "--domain", "example.net",
                "--user", "bob:secret", "--max-seconds", "100"]
        for f in files:
            args += ["--message", "bob:" + f]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.proc.stdout.readline().decode().split()
        if len(line) != 2 or line[0] != "LISTENING":
            raise SystemExit("harness did not start: %r" % line)
        self.port = int(line[1])

    def dump(self, user):
        self.proc.stdin.write(("dump %s\n" % user).encode())
        self.proc.stdin.flush()
        lines = []
        while True:
            line = self.proc.stdout.readline().decode().rstrip("\n")
            if line in ("END", ""):
                return lines
            lines.append(line)

    def deliver(self, user, path):
        self.proc.stdin.write(("deliver %s %s\n" % (user, path)).encode())
        self.proc.stdin.flush()
        return self.proc.stdout.readline().decode().strip()

    def stop(self):
        self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -1


failures = []


def check(what, got, expected):
    if got != expected:
        failures.append("%s: got %r, expected %r" % (what, got, expected))


def pop(harness):
    return poplib.POP3(HOST, harness.port, timeout=10)


def login(harness):
    p = pop(harness)
    p.user("bob")
    p.pass_("secret")
    return p


def inbox_uids(harness):
    return [int(l.split()[2]) for l in harness.dump("bob") if l.startswith("MESSAGE INBOX ")]


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, content in enumerate((FIRST, SECOND)):
            path = os.path.join(tmp, "m%d.eml" % i)
            with open(path, "wb") as f:
                f.write(content)
            paths.append(path)
        harness = Harness(sys.argv[1], paths)
        try:
            run(harness, tmp)
        finally:
            rc = harness.stop()
        check("harness exit status", rc, 0)
    if failures:
        for f in failures:
            print("FAIL:", f)
        return 1
    print("poplib judge: all checks passed")
    return 0


def run(harness, tmp):
    # Greeting with the configured APOP timestamp.
    p = pop(harness)
    check("greeting", p.getwelcome(),
          b"+OK mail.example.net POP3 server ready " + TIMESTAMP)
    caps = p.capa()
    for cap in ("USER", "TOP", "UIDL", "RESP-CODES", "PIPELINING"):
        check("capability " + cap, cap in caps, True)
    p.user("bob")
    p.pass_("secret")

    # stat, list, uidl
    check("stat", p.stat(), (2, len(FIRST) + len(SECOND)))
    resp, listing, _ = p.list()
    check("list", listing, [b"1 %d" % len(FIRST), b"2 %d" % len(SECOND)])
    check("list 2", p.list(2), b"+OK 2 %d" % len(SECOND))
    resp, uids, _ = p.uidl()
    check("uidl", uids, [b"1 1.1", b"2 1.2"])
    check("uidl 1", p.uidl(1), b"+OK 1 1.1")

    # retr: poplib removes the stuffing and the line ends; join with CR LF again.
    resp, lines, octets = p.retr(1)
    check("retr 1 content", b"\r\n".join(lines) + b"\r\n", FIRST)
    resp, lines, _ = p.retr(2)
    check("retr 2 content", b"\r\n".join(lines) + b"\r\n", SECOND)

    # top: header, blank line, first two body lines
    resp, lines, _ = p.top(1, 2)
    check("top 1 2", lines, [b"From: alice@example.org", b"To: bob@example.net",
                             b"Subject: first", b"", b"Hello Bob.", b".a line with a leading dot"])
    resp, lines, _ = p.top(2, 0)
    check("top 2 0", lines, [b"From: carol@example.org", b"Subject: second", b""])

    # errors come back as poplib.error_proto
    try:
        p.retr(3)
        failures.append("retr 3 did not fail")
    except poplib.error_proto as e:
        check("retr 3 error", e.args[0].startswith(b"-ERR no such message"), True)

    # A second login for bob while this session holds the maildrop: [IN-USE].
    other = pop(harness)
    other.user("bob")
    try:
        other.pass_("secret")
        failures.append("second concurrent login succeeded")
    except poplib.error_proto as e:
        check("in-use", e.args[0].startswith(b"-ERR [IN-USE]"), True)
    other.quit()

    # dele then an abrupt close: nothing is deleted.
    p.dele(1)
    check("stat after dele", p.stat(), (1, len(SECOND)))
    p.sock.close()
    p.file.close()
    check("uids after abrupt close", wait_for_uids(harness, [1, 2]), [1, 2])

    # dele then quit: gone.
    p = login(harness)
    p.dele(1)
    resp = p.quit()
    check("quit", resp, b"+OK mail.example.net POP3 server signing off (1 message left)")
    check("uids after quit", inbox_uids(harness), [2])

    # Wrong password.
    p = pop(harness)
    p.user("bob")
    try:
        p.pass_("wrong")
        failures.append("wrong password accepted")
    except poplib.error_proto as e:
        check("wrong password", e.args[0], b"-ERR [AUTH] authentication failed")
    p.quit()

    # APOP with the greeting's timestamp; a later delivery shows up in the next session.
    late = os.path.join(tmp, "late.eml")
    with open(late, "wb") as f:
        f.write(b"Subject: late\n\nlate mail\n")  # the harness makes LF into CR LF
    check("deliver", harness.deliver("bob", late), "DELIVERED")
    p = pop(harness)
    p.apop("bob", "secret")
    check("stat after apop", p.stat(), (2, len(SECOND) + len(b"Subject: late\r\n\r\nlate mail\r\n")))
    resp, uids, _ = p.uidl()
    check("uidl after delivery", uids, [b"1 1.2", b"2 1.3"])
    resp, lines, _ = p.retr(2)
    check("retr late", lines, [b"Subject: late", b"", b"late mail"])
    p.quit()

    p = pop(harness)
    try:
        p.apop("bob", "wrong")
        failures.append("apop with a wrong secret accepted")
    except poplib.error_proto as e:
        check("apop wrong", e.args[0], b"-ERR [AUTH] authentication failed")
    p.quit()

    # The digest poplib sent is the one RFC 1939 defines; check our arithmetic agrees.
    check("digest", hashlib.md5(TIMESTAMP + b"secret").hexdigest(),
          "daf7093d0fd9d44345d6e5d7d42333d4")


def wait_for_uids(harness, expected):
    # The harness sees the close asynchronously; ask a few times before judging.
    uids = None
    for _ in range(50):
        uids = inbox_uids(harness)
        probe = socket.create_connection((HOST, harness.port), timeout=5)
        greeting = probe.recv(512)
        probe.sendall(b"USER bob\r\nPASS secret\r\n")
        reply = b""
        while reply.count(b"\r\n") < 2:
            chunk = probe.recv(512)
            if not chunk:
                break
            reply += chunk
        probe.sendall(b"QUIT\r\n")
        probe.recv(512)
        probe.close()
        if greeting.startswith(b"+OK") and b"[IN-USE]" not in reply:
            return inbox_uids(harness)
        time.sleep(0.1)
    return uids


if __name__ == "__main__":
    sys.exit(main())
