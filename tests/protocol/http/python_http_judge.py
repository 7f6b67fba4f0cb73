#!/usr/bin/env python3
"""The web mail's HTTP server judged by Python's http.client and urllib, which nobody here
wrote: mailsim-engine-server --protocol http serves the engine on loopback, and this script
checks what a standard client sees, failure paths included. Exits non-zero on any mismatch.

    python_http_judge.py PATH/TO/mailsim-engine-server
"""
import email.message
import http.client
import http.cookiejar
import os
import random
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

FAILURES = []


def check(condition, what):
    if condition:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        FAILURES.append(what)


def make_message(attachment):
    msg = email.message.EmailMessage()
    msg["From"] = "Alice <alice@example.org>"
    msg["To"] = "bob@example.net"
    msg["Subject"] = "Grüße <script>alert(1)</script>"
    msg["Date"] = "Mon, 03 Mar 2025 09:00:00 +0000"
    msg.set_content("Hello Bob,\nthe report is attached.\n")
    msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="report.pdf")
    return msg.as_bytes()


class Harness:
    def __init__(self, binary, message_file):
        self.proc = subprocess.Popen(
            [binary, "--protocol", "http", "--domain", "example.net", "--user", "bob:secret",
             "--user", "carol:pw", "--message", "bob:" + message_file, "--max-seconds", "90"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "LISTENING":
            raise SystemExit("harness did not start: %r" % line)
        self.port = int(line[1])

    def dump(self, user):
        self.proc.stdin.write("dump %s\n" % user)
        self.proc.stdin.flush()
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line or line.strip() == "END":
                return lines
            lines.append(line.strip())

    def inbox_count(self, user):
        for line in self.dump(user):
            parts = line.split()
            if parts[:2] == ["FOLDER", "INBOX"]:
                return int(parts[2])
        return -1

    def stop(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def form(**fields):
    return urllib.parse.urlencode(fields)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def main():
    binary = sys.argv[1]
    attachment = bytes(random.Random(42).randrange(256) for _ in range(20000))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "message.eml")
        with open(path, "wb") as f:
            f.write(make_message(attachment))
        harness = Harness(binary, path)
        try:
            judge(harness, attachment)
        finally:
            harness.stop()
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


def judge(harness, attachment):
    port = harness.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    conn.request("GET", "/")
    r = conn.getresponse()
    body = r.read()
    check(r.status == 200, "GET / is 200")
    check(r.getheader("Content-Type") == "text/html; charset=utf-8", "GET / is UTF-8 HTML")
    check(body.startswith(b"<!DOCTYPE html>") and b'action="/login"' in body, "GET / has the login form")
    first_socket = conn.sock

    conn.request("POST", "/login", body=form(user="bob", password="wrong"), headers=FORM)
    r = conn.getresponse()
    r.read()
    check(r.status == 403, "a wrong password is 403")
    check(r.getheader("Set-Cookie") is None, "a wrong password sets no cookie")
    check(conn.sock is first_socket and conn.sock is not None, "keep-alive: the same connection is reused")

    conn.request("POST", "/login", body=form(user="bob", password="secret"), headers=FORM)
    r = conn.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie") or ""
    check(r.status == 303 and r.getheader("Location") == "/inbox", "a good login is 303 to /inbox")
    check(cookie.startswith("session=") and "HttpOnly" in cookie and "Path=/" in cookie,
          "a good login sets the session cookie: " + cookie)
    session = cookie.split(";")[0]

    conn.request("GET", "/inbox", headers={"Cookie": session})
    r = conn.getresponse()
    page = r.read().decode("utf-8")
    check(r.status == 200, "GET /inbox with the cookie is 200")
    check("Grüße &lt;script&gt;alert(1)&lt;/script&gt;" in page, "the inbox shows the subject, decoded and escaped")
    check("<script>" not in page, "no script tag reaches the page")

    conn.request("GET", "/inbox")
    r = conn.getresponse()
    r.read()
    check(r.status == 303 and r.getheader("Location") == "/", "GET /inbox without the cookie goes to /")

    conn.request("GET", "/message/1", headers={"Cookie": session})
    r = conn.getresponse()
    page = r.read().decode("utf-8")
    check(r.status == 200 and "the report is attached." in page, "the message page shows the text")
    link = "/message/1/part/2"
    check('href="%s"' % link in page, "the message page links the attachment")
    conn.request("GET", link, headers={"Cookie": session})
    r = conn.getresponse()
    data = r.read()
    check(r.status == 200 and data == attachment, "the part URL serves the attachment's exact bytes")
    check(r.getheader("Content-Type") == "application/pdf", "the part has its Content-Type")
    check('filename="report.pdf"' in (r.getheader("Content-Disposition") or ""), "the part has its file name")
    check(harness.dump("bob")[1].endswith("\\Seen"), "viewing set \\Seen in the store")

    conn.request("DELETE", "/inbox", headers={"Cookie": session})
    r = conn.getresponse()
    r.read()
    check(r.status == 405 and r.getheader("Allow") == "GET, HEAD", "DELETE /inbox is 405 with Allow")
    conn.request("GET", "/no/such/page")
    r = conn.getresponse()
    r.read()
    check(r.status == 404, "an unknown path is 404")
    conn.request("HEAD", "/")
    r = conn.getresponse()
    check(r.status == 200 and r.read() == b"" and int(r.getheader("Content-Length")) > 0,
          "HEAD / has a length and no body")

    before = harness.inbox_count("carol")
    conn.request("POST", "/send", headers=dict(FORM, Cookie=session),
                 body=form(to="carol@example.net", cc="", subject="Lunch?", body="At noon."))
    r = conn.getresponse()
    r.read()
    check(r.status == 303 and r.getheader("Location") == "/inbox?sent=1", "POST /send is 303 after delivery")
    check(harness.inbox_count("carol") == before + 1, "the recipient's INBOX grew by one")
    conn.request("POST", "/send", headers=dict(FORM, Cookie=session),
                 body=form(to="someone@far.example", subject="x", body="y"))
    r = conn.getresponse()
    page = r.read().decode("utf-8")
    check(r.status == 502 and "Relay access denied" in page, "a refused recipient is 502 with the server's text")
    conn.request("POST", "/send", headers=dict(FORM, Cookie=session), body="to=%zz")
    r = conn.getresponse()
    r.read()
    check(r.status == 400, "a malformed form is 400")

    # A chunked request body, as http.client sends it for an iterable.
    conn.request("POST", "/login", body=iter([b"user=carol&", b"password=pw"]),
                 headers=dict(FORM), encode_chunked=True)
    r = conn.getresponse()
    r.read()
    check(r.status == 303 and (r.getheader("Set-Cookie") or "").startswith("session="),
          "a chunked login body is read")

    conn.request("POST", "/logout", headers={"Cookie": session})
    r = conn.getresponse()
    r.read()
    check(r.status == 303 and "Max-Age=0" in (r.getheader("Set-Cookie") or ""), "logout clears the cookie")
    conn.request("GET", "/inbox", headers={"Cookie": session})
    r = conn.getresponse()
    r.read()
    check(r.status == 303, "the old session no longer opens the inbox")
    conn.close()

    # urllib with a cookie jar: it follows the 303 after login to the inbox by itself.
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = "http://127.0.0.1:%d" % port
    with opener.open(base + "/login", data=form(user="bob", password="secret").encode(), timeout=10) as resp:
        page = resp.read().decode("utf-8")
        check(resp.status == 200 and resp.geturl().endswith("/inbox"), "urllib follows the login to /inbox")
        check("Grüße" in page, "urllib sees the subject in the inbox")
    try:
        opener.open(base + "/login", data=form(user="bob", password="nope").encode(), timeout=10)
        check(False, "urllib: a wrong password raises HTTPError")
    except urllib.error.HTTPError as e:
        check(e.code == 403, "urllib: a wrong password is 403")

    # Malformed requests over a raw socket: the status, then the server closes.
    for raw, status, what in [
            (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", b"400", "space before the colon"),
            (b"GET / HTTP/1.1\r\n\r\n", b"400", "missing Host"),
            (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", b"400", "a TLS hello"),
            (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", b"505", "HTTP/2.0"),
            (b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n", b"501", "an unknown method"),
            (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", b"413", "a body too large"),
            (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414", "a target too long")]:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(raw)
            reply = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        check(reply.startswith(b"HTTP/1.1 " + status + b" ") and b"\r\nConnection: close\r\n" in reply,
              "raw socket, %s: %s and close" % (what, status.decode()))


if __name__ == "__main__":
    sys.exit(main())
