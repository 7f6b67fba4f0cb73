#!/usr/bin/env python3
"""Judges the IMAP server engine with Python's imaplib (standard library only).

Starts mailsim-engine-server --protocol imap on loopback, talks to it as a mail program
would (login, list, select, search, fetch, store, copy, append, expunge, status, rename,
delete, UID commands, IDLE), checks every answer and, through the harness's "dump" and
"deliver" commands, the state of the store behind it. Failure paths are checked too: a
wrong password, a copy to a missing folder, a fetch beyond the last message.

A client nobody in this project wrote judges the engine.
Usage: python_imaplib_judge.py PATH/TO/mailsim-engine-server
"""

import imaplib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

failures = []


def check(condition, text):
    if not condition:
        failures.append(text)
        print("FAIL:", text, file=sys.stderr)


LUNCH = (b"From: Alice Example <alice@example.org>\n"
         b"To: bob@example.net\n"
         b"Subject: Lunch on Friday\n"
         b"Date: Mon, 03 Mar 2025 09:00:00 +0000\n"
         b"Message-ID: <lunch@example.org>\n"
         b"\n"
         b"Shall we meet at noon?\n")

REPORT = (b"From: \"Carol Q\" <carol@example.com>\n"
          b"To: bob@example.net\n"
          b"Subject: Quarterly report\n"
          b"Date: Tue, 04 Mar 2025 10:30:00 +0100\n"
          b"MIME-Version: 1.0\n"
          b"Content-Type: multipart/mixed; boundary=\"XX\"\n"
          b"\n"
          b"--XX\n"
          b"Content-Type: text/plain; charset=utf-8\n"
          b"\n"
          b"The numbers are attached.\n"
          b"--XX\n"
          b"Content-Type: application/octet-stream; name=\"data.bin\"\n"
          b"Content-Transfer-Encoding: base64\n"
          b"\n"
          b"AAECAw==\n"
          b"--XX--\n")

LATE = (b"From: dave@example.net\n"
        b"To: bob@example.net\n"
        b"Subject: Arrived while idling\n"
        b"\n"
        b"Hello.\n")


def crlf(data):
    return data.replace(b"\n", b"\r\n")


class Harness:
    def __init__(self, binary, workdir):
        files = []
        for name, data in (("lunch.eml", LUNCH), ("report.eml", REPORT), ("late.eml", LATE)):
            path = workdir / name
            path.write_bytes(data)
            files.append(path)
        self.late = files[2]
        self.process = subprocess.Popen(
            [binary, "--protocol", "imap", "--domain", "example.net", "--user", "bob:secret",
             "--message", f"bob:{files[0]}", "--message", f"bob:{files[1]}", "--max-seconds", "90"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.match(r"LISTENING (\d+)", line)
        if not match:
            raise RuntimeError(f"harness did not start: {line!r}")
        self.port = int(match.group(1))

    def command(self, text):
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def dump(self, user="bob"):
        """{folder: {uid: set(flags)}} as the store has it."""
        self.command(f"dump {user}")
        folders = {}
        for line in self.process.stdout:
            line = line.rstrip("\n")
            if line == "END":
                break
            words = line.split(" ")
            if words[0] == "FOLDER":
                folders[words[1]] = {}
            elif words[0] == "MESSAGE":
                folders[words[1]][int(words[2])] = set(w for w in words[3:] if w)
        return folders

    def deliver(self, path, user="bob"):
        self.command(f"deliver {user} {path}")
        line = self.process.stdout.readline()
        check(line.strip() == "DELIVERED", f"deliver answered {line!r}")

    def stop(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def judge(harness):
    # A wrong password is refused with NO, which imaplib raises as IMAP4.error.
    bad = imaplib.IMAP4("127.0.0.1", harness.port)
    bad.sock.settimeout(10)
    try:
        bad.login("bob", "wrong")
        check(False, "login with a wrong password succeeded")
    except imaplib.IMAP4.error as e:
        check("AUTHENTICATIONFAILED" in str(e), f"wrong password: {e}")
    bad.logout()

    m = imaplib.IMAP4("127.0.0.1", harness.port)
    m.sock.settimeout(10)
    check("IMAP4REV1" in m.capabilities, f"capabilities {m.capabilities}")
    typ, data = m.login("bob", "secret")
    check(typ == "OK", f"login {typ} {data}")
    typ, data = m.capability()
    check(typ == "OK" and b"IDLE" in data[0], f"capability {data}")

    typ, data = m.list()
    check(typ == "OK" and data == [b'(\\HasNoChildren) "/" INBOX'], f"list {data}")

    typ, data = m.select("INBOX")
    check(typ == "OK" and data == [b"2"], f"select {typ} {data}")
    check(m.untagged_responses.get("UIDVALIDITY") == [b"1"], f"uidvalidity {m.untagged_responses}")

    def search(*criteria):
        typ, data = m.search(None, *criteria)
        check(typ == "OK", f"search {criteria}: {typ}")
        return data[0].split()

    check(search("UNSEEN") == [b"1", b"2"], "search UNSEEN")
    check(search("FROM", '"carol"') == [b"2"], "search FROM carol")
    check(search("SUBJECT", "lunch") == [b"1"], "search SUBJECT lunch")
    check(search("SINCE", "3-Mar-2025") == [b"1", b"2"], "search SINCE")
    check(search("SINCE", "1-Jan-2030") == [], "search SINCE in the future")
    check(search("OR", "FROM", "alice", "SUBJECT", "quarterly") == [b"1", b"2"], "search OR")
    check(search("NOT", "FROM", "alice") == [b"2"], "search NOT")

    typ, data = m.fetch("1", "(RFC822.SIZE)")
    check(data == [b"1 (RFC822.SIZE %d)" % len(crlf(LUNCH))], f"fetch size {data}")
    typ, data = m.fetch("2", "(BODY.PEEK[])")
    check(data[0][1] == crlf(REPORT), "fetch BODY.PEEK[] content")
    typ, data = m.fetch("2", "(BODYSTRUCTURE)")
    check(re.search(rb'BODYSTRUCTURE \(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\).*\)\("APPLICATION" "OCTET-STREAM" '
                    rb'\("NAME" "data.bin"\).* "MIXED"', data[0]) is not None, f"bodystructure {data}")
    typ, data = m.fetch("1", "(ENVELOPE)")
    check(re.search(rb'ENVELOPE \("Mon, 03 Mar 2025 09:00:00 \+0000" "Lunch on Friday" '
                    rb'\(\("Alice Example" NIL "alice" "example.org"\)\)', data[0]) is not None, f"envelope {data}")
    typ, data = m.fetch("2", "(BODY.PEEK[1])")
    check(data[0][1] == b"The numbers are attached.", f"fetch BODY[1] {data}")
    check(harness.dump()["INBOX"] == {1: set(), 2: set()}, "peek fetches set no flag")
    try:
        m.fetch("3", "(FLAGS)")
        check(False, "fetch beyond the last message succeeded")
    except imaplib.IMAP4.error as e:  # imaplib raises for BAD
        check("Invalid message sequence number 3" in str(e), f"fetch beyond the last message: {e}")

    typ, data = m.store("1", "+FLAGS", "(\\Seen)")
    check(typ == "OK" and b"\\Seen" in data[0], f"store {data}")
    check(harness.dump()["INBOX"][1] == {"\\Seen"}, "store shows in the dump")
    check(search("UNSEEN") == [b"2"], "search UNSEEN after store")

    typ, data = m.copy("2", "Archive")
    check(typ == "NO" and b"TRYCREATE" in data[0], f"copy to a missing folder {typ} {data}")
    typ, data = m.create("Archive")
    check(typ == "OK", f"create {data}")
    typ, data = m.copy("2", "Archive")
    check(typ == "OK", f"copy {data}")
    check(harness.dump()["Archive"] == {1: set()}, "copied message in Archive")

    when = imaplib.Time2Internaldate(time.mktime((2025, 3, 6, 12, 0, 0, 0, 0, -1)))
    typ, data = m.append("INBOX", "(\\Draft $Later)", when, crlf(b"Subject: draft\n\nnot yet\n"))
    check(typ == "OK", f"append {typ} {data}")
    dump = harness.dump()
    check(dump["INBOX"].get(3) == {"\\Draft", "$Later"}, f"appended flags {dump}")
    typ, data = m.fetch("3", "(INTERNALDATE)")
    check(typ == "OK" and imaplib.Internaldate2tuple(data[0]) is not None, f"internaldate {data}")

    m.store("2", "+FLAGS", "(\\Deleted)")
    typ, data = m.expunge()
    check(typ == "OK" and data == [b"2"], f"expunge {data}")
    check(sorted(harness.dump()["INBOX"]) == [1, 3], "expunged message gone")

    typ, data = m.status("Archive", "(MESSAGES UNSEEN UIDNEXT)")
    check(data == [b"Archive (MESSAGES 1 UNSEEN 1 UIDNEXT 2)"], f"status {data}")
    typ, data = m.rename("Archive", "Old")
    check(typ == "OK", f"rename {data}")
    typ, data = m.list()
    check(data == [b'(\\HasNoChildren) "/" INBOX', b'(\\HasNoChildren) "/" Old'], f"list after rename {data}")
    typ, data = m.delete("Old")
    check(typ == "OK" and "Old" not in harness.dump(), f"delete {data}")
    typ, data = m.delete("Old")
    check(typ == "NO", f"delete twice {typ}")

    typ, data = m.uid("FETCH", "1:*", "(FLAGS)")
    check(typ == "OK" and len(data) == 2 and b"UID 1" in data[0] and b"UID 3" in data[1], f"uid fetch {data}")
    typ, data = m.uid("SEARCH", "DRAFT")
    check(data == [b"3"], f"uid search {data}")

    # IDLE (RFC 2177) by hand: imaplib of this Python has no idle().
    tag = m._new_tag()
    m.send(tag + b" IDLE\r\n")
    line = m.readline()
    check(line.startswith(b"+"), f"IDLE continuation {line!r}")
    harness.deliver(harness.late)
    line = m.readline()
    check(line == b"* 3 EXISTS\r\n", f"EXISTS pushed during IDLE: {line!r}")
    line = m.readline()
    # \Recent lasts the session: message 1 (from SELECT), the appended one and the new one.
    check(line == b"* 3 RECENT\r\n", f"RECENT pushed during IDLE: {line!r}")
    m.send(b"DONE\r\n")
    line = m.readline()
    check(line == tag + b" OK IDLE terminated\r\n", f"IDLE end {line!r}")
    typ, data = m.fetch("3", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    check(data[0][1] == b"Subject: Arrived while idling\r\n\r\n", f"new message {data}")

    typ, data = m.logout()
    check(typ == "BYE", f"logout {typ} {data}")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        harness = Harness(sys.argv[1], Path(tmp))
        try:
            judge(harness)
        except Exception as e:  # any protocol surprise is a failure, with its story
            failures.append(f"exception: {e!r}")
            print("FAIL: exception", repr(e), file=sys.stderr)
        finally:
            harness.stop()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("imaplib judge: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
