#!/usr/bin/env python3
"""Cross-checks the message library with Python's email package (standard library only).

1. Messages that the library builds (mailsim-mime-tool build) are read by Python into the
   same parts, content types, file names, charsets and decoded bytes that they were built
   from, and Python finds no defects in them.
2. Messages that Python writes (EmailMessage, policy SMTP) are read by the library
   (mailsim-mime-tool dump) into the parts, types, file names and bytes that Python itself
   reads back, without warnings, and written back byte for byte.

An implementation that nobody in this project wrote judges ours, in both directions.
Usage: python_email_crosscheck.py PATH/TO/mailsim-mime-tool
"""

import base64
import email
import email.policy
import json
import random
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

failures = []


def fail(where, text):
    failures.append(f"{where}: {text}")


def python_nodes(msg):
    """The parts of a message as Python reads them, in the order walk() gives (pre-order,
    message/rfc822 followed by the message inside)."""
    nodes = []
    for part in msg.walk():
        container = part.is_multipart()
        data = b"" if container else (part.get_payload(decode=True) or b"")
        nodes.append({
            "type": part.get_content_type(),
            "filename": part.get_filename() or "",
            "charset": part.get_content_charset() or "",
            "container": container,
            "data": data,
        })
    return nodes


def decoded(node):
    return base64.b64decode(node["data"]) if node["data"] else b""


def compare(where, ours, theirs, check_charset=True):
    if len(ours) != len(theirs):
        fail(where, f"{len(ours)} parts against {len(theirs)}: "
                    f"{[n['type'] for n in ours]} / {[n['type'] for n in theirs]}")
        return
    for i, (a, b) in enumerate(zip(ours, theirs)):
        at = f"{where} part {i} ({b['type']})"
        for key in ("type", "filename", "container"):
            if a[key] != b[key]:
                fail(at, f"{key} {a[key]!r} against {b[key]!r}")
        if check_charset and a["charset"] != b["charset"]:
            fail(at, f"charset {a['charset']!r} against {b['charset']!r}")
        if not b["container"] and a["data"] != b["data"]:
            fail(at, f"decoded bytes differ ({len(a['data'])} against {len(b['data'])} bytes)")


def defects_of(msg):
    found = []
    for part in msg.walk():
        found += [type(d).__name__ for d in part.defects]
    return found


def check_ours_in_python(tool, workdir):
    """Direction 1: our builder's messages, read by Python."""
    out = workdir / "ours"
    subprocess.run([tool, "build", str(out)], check=True, timeout=60)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for m in manifest["messages"]:
        where = f"ours/{m['file']}"
        raw = (out / m["file"]).read_bytes()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if defects_of(msg):
            fail(where, f"Python finds defects: {defects_of(msg)}")
        if str(msg["subject"]) != m["subject"]:
            fail(where, f"subject {str(msg['subject'])!r} against {m['subject']!r}")
        expected = [dict(n, data=decoded(n)) for n in m["nodes"]]
        compare(where, python_nodes(msg), expected)
        # Our own reading of our own output agrees as well.
        ours, _ = dump(tool, out / m["file"], where)
        compare(where + " (ours)", ours, expected)
    return len(manifest["messages"])


def dump(tool, path, where):
    result = subprocess.run([tool, "dump", str(path)], check=True, timeout=60,
                            capture_output=True)
    tree = json.loads(result.stdout)
    if not tree["identity"]:
        fail(where, "written back, the bytes differ")
    if tree["warnings"]:
        fail(where, f"warnings: {tree['warnings']}")
    return [dict(n, data=decoded(n)) for n in tree["nodes"]], tree["subject"]


def python_messages():
    """Messages as Python's email package writes them."""
    rng = random.Random(1521)
    html = "<html><body><p>Gr\u00fc\u00dfe aus <b>K\u00f6ln</b>!</p></body></html>\n"

    def new(subject):
        msg = EmailMessage()
        msg["From"] = "Alice <alice@example.org>"
        msg["To"] = "Bob <bob@example.net>, \"Carol, C.\" <carol@example.com>"
        msg["Subject"] = subject
        return msg

    msg = new("Lunch")
    msg.set_content("Hello Bob,\n\nlunch at noon?\n")
    yield "simple", msg

    msg = new("Gr\u00fc\u00dfe aus K\u00f6ln \u2014 a subject long enough to be folded over "
              "more than one line by the generator")
    msg.set_content("Gr\u00fc\u00dfe aus K\u00f6ln, trailing space \nand = signs\n",
                    cte="quoted-printable")
    yield "quoted-printable", msg

    msg = new("\u041f\u0440\u0438\u0432\u0435\u0442")
    msg.set_content("\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!\n" * 30)
    yield "base64-text", msg

    msg = new("Long lines")
    msg.set_content("x" * 300 + "\nshort\n")
    yield "long-lines", msg

    msg = new("8bit")
    msg.set_content("caf\u00e9 cr\u00e8me\n", cte="8bit")
    yield "eight-bit", msg

    msg = new("Alternative")
    msg.set_content("Gr\u00fc\u00dfe aus K\u00f6ln!\n")
    msg.add_alternative(html, subtype="html")
    yield "alternative", msg

    msg = new("Attachments")
    msg.set_content("Files attached.\n")
    msg.add_attachment(bytes(rng.randrange(256) for _ in range(5000)),
                       maintype="application", subtype="octet-stream", filename="random.bin")
    msg.add_attachment(b"", maintype="application", subtype="octet-stream",
                       filename="empty.bin")
    msg.add_attachment(bytes(rng.randrange(256) for _ in range(900)), maintype="image",
                       subtype="png",
                       filename="\u00dcberlange Datei mit einem sehr langen Namen, der "
                                "umgebrochen wird \u2014 \u6587\u4ef6.png")
    msg.add_attachment(bytes(rng.randrange(256) for _ in range(600)),
                       maintype="application", subtype="octet-stream",
                       filename="quoted.bin", cte="quoted-printable")
    yield "attachments", msg

    inner = new("Original \u00e9t\u00e9")
    inner.set_content("The original message.\n")
    inner.add_attachment(bytes(rng.randrange(256) for _ in range(333)),
                         maintype="application", subtype="octet-stream", filename="inner.dat")
    msg = new("Fwd: Original \u00e9t\u00e9")
    msg.set_content("See the forwarded message.\n")
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(bytes(rng.randrange(256) for _ in range(4096)), maintype="image",
                       subtype="jpeg", filename="photo.jpg")
    msg.add_attachment(inner)
    yield "nested", msg


def check_python_in_ours(tool, workdir):
    """Direction 2: Python's messages, read by us."""
    out = workdir / "python"
    out.mkdir()
    count = 0
    for name, msg in python_messages():
        where = f"python/{name}.eml"
        raw = msg.as_bytes(policy=email.policy.SMTP)
        path = out / f"{name}.eml"
        path.write_bytes(raw)
        theirs = email.message_from_bytes(raw, policy=email.policy.default)
        ours, subject = dump(tool, path, where)
        compare(where, ours, python_nodes(theirs))
        if subject != str(theirs["subject"]):
            fail(where, f"subject {subject!r} against {str(theirs['subject'])!r}")
        count += 1
    return count


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    tool = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="mailsim-mime-") as tmp:
        ours = check_ours_in_python(tool, Path(tmp))
        theirs = check_python_in_ours(tool, Path(tmp))
    for f in failures:
        print("FAIL", f)
    print(f"{ours} messages of ours read by Python, {theirs} of Python's read by us: "
          f"{len(failures)} disagreements (Python {sys.version.split()[0]})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
