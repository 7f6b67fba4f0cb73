#!/usr/bin/env python3
"""Checks that the documentation tells the truth about the repository.

For README.md and every Markdown file under docs/:
  - every repository path written in code (`scenarios/x.yaml`, `tests/data/...`) exists;
    every scenario file named loads (`mailsim-cli check`);
  - every picture (![...](....png)) exists, and is one that scripts/screenshots.sh makes,
    and every picture in docs/screenshots/ is used by a doc and made by the script;
  - every command a reader is told to type runs: the lines of ```sh blocks and the inline
    code that starts with `build/release/simulator/mailsim-cli `. mailsim-cli and the window
    are run (serve with a time limit and free ports, the window offscreen with --screenshot);
    scripts must exist and parse (`bash -n`); curl lines and ```python blocks run against a
    `mailsim-cli serve` this script starts, with the documented ports 2525, 2110, 2143 and
    8080 replaced by the ones it got. A command whose line ends with `# exits N` must exit
    with N; every other with 0. Commands of one file run in order, in one scratch folder
    that sees the repository's folders, so that `mailsim-cli new > mine.yaml` and then
    `mailsim-cli check mine.yaml` work as a reader would type them.

Usage: check_docs.py --repo DIR --cli MAILSIM-CLI [--gui MAILSIM] [--build-dir DIR]
Everything runs on 127.0.0.1 and stops by itself; nothing is written inside the repository.
"""
import argparse
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_PORTS = {"smtp": 2525, "pop3": 2110, "imap": 2143, "http": 8080}
NOT_RUN = ("cmake ", "sudo ", "apt-get ", "git ", "export ", "cd ")  # set-up, shown not run
REPO_DIRS = ("scenarios", "tests", "docs", "scripts", "simulator", "gui", "build", ".ci")


class Checker:
    def __init__(self, args):
        self.repo = Path(args.repo).resolve()
        self.cli = args.cli
        self.gui = args.gui
        self.build_dir = Path(args.build_dir).resolve() if args.build_dir else None
        self.errors = []
        self.commands_run = 0
        self.serve = None
        self.ports = {}
        self.shots = self.screenshot_names()

    def fail(self, where, message):
        self.errors.append(f"{where}: {message}")

    # ---- the documents -------------------------------------------------------------------

    def documents(self):
        docs = [self.repo / "README.md"]
        docs += sorted(p for p in (self.repo / "docs").rglob("*.md"))
        return docs

    def screenshot_names(self):
        """The pictures scripts/screenshots.sh makes, loops such as
        `for stage in 1 2 3; do shot "stage-$stage" ...` included."""
        names = set()
        loop = None
        for line in (self.repo / "scripts" / "screenshots.sh").read_text().splitlines():
            m = re.match(r"^\s*for (\w+) in ([^;]+); do", line)
            if m:
                loop = (m.group(1), m.group(2).split())
            if re.match(r"^\s*done\b", line):
                loop = None
            m = re.match(r'^\s*shot\s+"([^"]+)"', line)
            if not m:
                continue
            name = m.group(1)
            if loop and f"${loop[0]}" in name:
                names.update(name.replace(f"${loop[0]}", value) for value in loop[1])
            elif "$" not in name:
                names.add(name)
        return names

    # ---- paths and pictures ----------------------------------------------------------------

    def check_paths(self, doc, text):
        rel = doc.relative_to(self.repo)
        for span in re.findall(r"`([^`\n]+)`", text):
            for word in span.split():
                word = word.strip(".,;:()'\"")
                if not word.startswith(tuple(d + "/" for d in REPO_DIRS)) or word.startswith("build/"):
                    continue
                if any(c in word for c in "*<>{}$") or re.search(r"[A-Z]{3,}", word.split("/")[-1]):
                    continue  # a pattern or a placeholder, e.g. docs/teaching/solutions/NAME.yaml
                path = self.repo / word
                if not path.exists() and not any(Path(str(path) + ext).exists() for ext in (".h", ".cpp")):
                    self.fail(rel, f"names {word}, which does not exist")
                elif word.endswith(".yaml") and word.startswith(("scenarios/", "docs/")) and path.is_file():
                    self.check_scenario(rel, path)

    checked_scenarios = set()

    def check_scenario(self, rel, path):
        if path in self.checked_scenarios or "templates" in path.parts or "schema" in path.name:
            return
        self.checked_scenarios.add(path)
        result = subprocess.run([self.cli, "check", str(path)], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            self.fail(rel, f"{path.relative_to(self.repo)} does not load:\n{result.stdout}{result.stderr}")

    def check_pictures(self, doc, text, used):
        rel = doc.relative_to(self.repo)
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+\.png)\)", text):
            path = (doc.parent / target).resolve()
            used.add(path)
            if not path.exists():
                self.fail(rel, f"shows {target}, which does not exist")
            if path.stem not in self.shots:
                self.fail(rel, f"shows {target}, which scripts/screenshots.sh does not make")

    # ---- commands ----------------------------------------------------------------------------

    @staticmethod
    def commands(text):
        """(kind, command, expected exit status) in the order the reader meets them."""
        found = []
        fence = None
        block = []
        for line in text.splitlines() + [""]:
            stripped = line.strip()
            if fence is None:
                m = re.match(r"^\s*(?:>\s*)?```(\w*)\s*$", line)
                if m:
                    fence, block = m.group(1), []
                    continue
                for span in re.findall(r"`(build/release/simulator/mailsim-cli [^`]+)`", line):
                    found.append(("sh", span, 0))
                continue
            if re.match(r"^\s*(?:>\s*)?```\s*$", line):
                if fence == "sh":
                    # A line ending in \\ or in a pipe or && goes on on the next line.
                    joined = re.sub(r"(\\|\||&&)\s*\n\s*", lambda m: (m.group(1) if m.group(1) != "\\" else "") + " ",
                                    "\n".join(block))
                    for command in joined.splitlines():
                        command = command.strip()
                        if not command or command.startswith("#"):
                            continue
                        status = 0
                        m = re.search(r"#\s*exits\s+(\d+)\s*$", command)
                        if m:
                            status = int(m.group(1))
                        found.append(("sh", Checker.without_comment(command), status))
                elif fence == "python":
                    found.append(("python", "\n".join(block), 0))
                fence = None
                continue
            block.append(re.sub(r"^\s*>\s?", "", line) if stripped.startswith(">") else line)
        return found

    @staticmethod
    def without_comment(command):
        """The command without a trailing `# comment` (a # outside quotes, after a space)."""
        quote = None
        for i, c in enumerate(command):
            if quote:
                quote = None if c == quote else quote
            elif c in "'\"":
                quote = c
            elif c == "#" and i > 0 and command[i - 1].isspace():
                return command[:i].rstrip()
        return command

    def scratch(self):
        folder = Path(tempfile.mkdtemp(prefix="mailsim-docs-"))
        for name in REPO_DIRS[:-2] + ("CMakeLists.txt", "README.md"):
            if (self.repo / name).exists():
                (folder / name).symlink_to(self.repo / name)
        # build/release/... as the docs write it: the build under test.
        build = self.build_dir or Path(self.cli).resolve().parent.parent
        (folder / "build").mkdir()
        (folder / "build" / "release").symlink_to(build)
        return folder

    def rewrite(self, command):
        """The command as the checker runs it, or None when it is only to be shown."""
        program = command.split()[0] if command.split() else ""
        if "mailsim-cli" in program and " serve" in " " + command:
            words = command.split()
            for service in DEFAULT_PORTS:
                if f"--{service}" in words:
                    words[words.index(f"--{service}") + 1] = "0"
            command = " ".join(words) + " --max-seconds 1.5 --format none"
            if not any(f"--{s}" in words for s in DEFAULT_PORTS) and "--only" not in words:
                command += " --smtp 0 --pop3 0 --imap 0 --http 0"
            return command
        if program.endswith("gui/mailsim"):
            command = command.replace("--listen-real-clients default", "--listen-real-clients any")
            if "--screenshot" not in command:
                command += " --screenshot docs-check.png"
            return command
        return command

    def run_all(self):
        used = set()
        for doc in self.documents():
            text = doc.read_text()
            rel = doc.relative_to(self.repo)
            self.check_paths(doc, text)
            self.check_pictures(doc, text, used)
            folder = None
            for kind, command, status in self.commands(text):
                if folder is None:
                    folder = self.scratch()
                self.run_command(rel, folder, kind, command, status)
        shots = self.repo / "docs" / "screenshots"
        for png in sorted(shots.glob("*.png")):
            if png.resolve() not in used:
                print(f"note: {png.relative_to(self.repo)} is made but not shown by any doc")
            if png.stem not in self.shots:
                self.fail(png.relative_to(self.repo), "is not made by scripts/screenshots.sh")

    def run_command(self, rel, folder, kind, command, status):
        if kind == "python":
            self.ensure_serve()
            code = self.with_ports(command)
            self.execute(rel, folder, [sys.executable, "-c", code], command.splitlines()[0] + " ...", status)
            return
        first = command.split()[0]
        if command.startswith(NOT_RUN):
            return
        if first.startswith("scripts/") or first.startswith(".ci/"):
            path = self.repo / first
            if not path.is_file() or not os.access(path, os.X_OK):
                self.fail(rel, f"`{command}`: {first} is not an executable file")
            elif subprocess.run(["bash", "-n", str(path)]).returncode != 0:
                self.fail(rel, f"`{command}`: {first} does not parse")
            return
        if first.startswith("build/release/tests/"):
            # A benchmark driver: too slow to run here, but it must be built where benchmarks are.
            if (folder / first).exists() or not self.benchmarks_built():
                return
            self.fail(rel, f"`{command}`: {first} is not built")
            return
        if "gui/mailsim" in first and not self.gui:
            return  # a build without the window
        if "curl " in command or first == "python3":
            self.ensure_serve()
            command = self.with_ports(command)
        elif not (first.startswith("build/release/") or first in ("printf", "echo")):
            self.fail(rel, f"`{command}`: not a command the checker knows how to run; see tests/docs/check_docs.py")
            return
        self.execute(rel, folder, ["bash", "-c", self.rewrite(command)], command, status)

    def benchmarks_built(self):
        cache = (self.build_dir / "CMakeCache.txt") if self.build_dir else None
        return bool(cache and cache.exists() and "MAILSIM_BUILD_BENCHMARKS:BOOL=OFF" not in cache.read_text())

    def execute(self, rel, folder, argv, shown, status):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NO_COLOR="1")
        try:
            result = subprocess.run(argv, cwd=folder, env=env, capture_output=True, timeout=90,
                                    stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            self.fail(rel, f"`{shown}` did not finish within 90 s")
            return
        self.commands_run += 1
        if result.returncode != status:
            tail = (result.stdout + result.stderr).decode(errors="replace")[-1500:]
            self.fail(rel, f"`{shown}` exited with {result.returncode}, not {status}:\n{tail}")

    # ---- a server for the real-client commands -----------------------------------------------

    def ensure_serve(self):
        if self.serve:
            return
        argv = [self.cli, "serve", "--smtp", "0", "--pop3", "0", "--imap", "0", "--http", "0",
                "--format", "none", "--max-seconds", "240"]
        self.serve = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 20
        while len(self.ports) < 4 and time.time() < deadline:
            line = self.serve.stdout.readline()
            if not line:
                break
            m = re.match(r"LISTENING (\w+) \S+ (\d+)", line)
            if m:
                self.ports[m.group(1)] = int(m.group(2))
        if len(self.ports) < 4:
            raise RuntimeError("mailsim-cli serve did not start")

    def with_ports(self, text):
        for service, port in DEFAULT_PORTS.items():
            text = re.sub(rf"\b{port}\b", str(self.ports[service]), text)
        return text

    def stop_serve(self):
        if self.serve:
            self.serve.send_signal(signal.SIGTERM)
            try:
                self.serve.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.serve.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--gui")
    parser.add_argument("--build-dir")
    checker = Checker(parser.parse_args())
    try:
        checker.run_all()
    finally:
        checker.stop_serve()
    for e in checker.errors:
        print("FAIL " + e)
    print(f"{len(checker.documents())} documents, {len(checker.checked_scenarios)} scenario files loaded, "
          f"{checker.commands_run} commands run, {len(checker.errors)} problems")
    return 1 if checker.errors else 0


if __name__ == "__main__":
    sys.exit(main())
