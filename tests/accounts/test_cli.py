"""`clearance users` as an administrator runs it: a real process, a real store, a real
terminal for the hidden prompt."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

from clearance.accounts.users import UserStore
from clearance.store.store import Store

PASSWORD = "a sufficiently long secret"


def users(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # tests.cli.test_commands.run sends no standard input, which --password-stdin needs
    return subprocess.run(
        [sys.executable, "-m", "clearance", "--home", str(home), "users", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


def authenticates(home: Path, username: str, password: str) -> bool:
    with Store.open(home) as store:
        return UserStore(store.engine).authenticate(username, password) is not None


def test_create_list_password_disable(home: Path) -> None:
    created = users(
        home, "create", "Alice", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert created.returncode == 0, created.stderr
    assert "created user 'alice' (role admin)" in created.stdout
    spaced = users(home, "create", "bob", "--password-stdin", stdin="  spaces count too  \r\n")
    assert spaced.returncode == 0, spaced.stderr
    assert authenticates(home, "alice", PASSWORD)
    assert authenticates(home, "bob", "  spaces count too  ")

    listed = json.loads(users(home, "list", "--json").stdout)
    assert [(u["username"], u["role"], u["disabled_at"]) for u in listed] == [
        ("alice", "admin", None),
        ("bob", "analyst", None),
    ]
    assert "password_hash" not in listed[0]
    table = users(home, "list").stdout
    assert "alice" in table and "analyst" in table

    changed = users(home, "password", "alice", "--password-stdin", stdin="a brand new secret\n")
    assert changed.returncode == 0, changed.stderr
    assert not authenticates(home, "alice", PASSWORD)
    assert authenticates(home, "alice", "a brand new secret")

    disabled = users(home, "disable", "bob")
    assert disabled.returncode == 0 and "disabled user 'bob'" in disabled.stdout
    assert not authenticates(home, "bob", "  spaces count too  ")
    bob = json.loads(users(home, "list", "--json").stdout)[1]
    assert bob["disabled_at"] is not None


def test_bad_input_exits_2_with_a_message(home: Path) -> None:
    # each field's every rule is in test_users.py; here: the CLI turns them into exit 2
    assert users(home, "create", "carol", "--password-stdin", stdin=PASSWORD).returncode == 0
    cases = [
        (("create", "dave", "--password-stdin"), "short\n", "password: shorter than 12"),
        (("create", "dave", "--password-stdin"), "", "standard input is empty"),
        (("create", "dave"), "", "not a terminal"),
        (("create", "bad name", "--password-stdin"), PASSWORD, "username: 'bad name' may only"),
        (("create", "CAROL", "--password-stdin"), PASSWORD, "'carol' already exists"),
        (("create", "dave", "--role", "boss"), "", "--role: 'boss' is not one of"),
        (("password", "carol", "--password-stdin"), "x" * 1025, "longer than 1024"),
        (("disable", "nobody"), "", "no user named 'nobody'"),
    ]
    for args, stdin, message in cases:
        result = users(home, *args, stdin=stdin)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in " ".join(result.stderr.split()), (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert [u["username"] for u in json.loads(users(home, "list", "--json").stdout)] == ["carol"]


class Terminal:
    """The other end of a pseudo-terminal: wait for what the command writes, type into it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.everything = ""
        self.unread = ""

    def expect(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.unread:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            assert ready, f"no {text!r} from the command; it wrote {self.everything!r}"
            chunk = os.read(self.fd, 1024).decode(errors="replace")
            self.everything += chunk
            self.unread += chunk
        self.unread = self.unread.split(text, 1)[1]

    def type(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode())


def test_prompts_twice_without_echo_on_a_terminal(home: Path) -> None:
    leader, follower = pty.openpty()

    def take_terminal() -> None:  # the pty becomes the command's controlling terminal
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [sys.executable, "-m", "clearance", "--home", str(home), "users", "create", "erin"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
        preexec_fn=take_terminal,
    )
    os.close(follower)
    terminal = Terminal(leader)
    try:
        # the space after the colon is written once echo is off (click, then getpass)
        terminal.expect("Password: ")
        terminal.type(PASSWORD)
        terminal.expect("Repeat for confirmation: ")
        terminal.type("a different secret")
        terminal.expect("do not match")
        terminal.expect("Password: ")
        terminal.type(PASSWORD)
        terminal.expect("Repeat for confirmation: ")
        terminal.type(PASSWORD)
        terminal.expect("created user 'erin'")
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert PASSWORD not in terminal.everything  # never echoed
    assert authenticates(home, "erin", PASSWORD)
