"""A real IMAP server for tests: Dovecot, configured in a temporary folder on loopback.

Debian's `dovecot-imapd` is installed by scripts/test (as Chromium is). Without it the tests
that need IMAP skip with the reason, except under CI, where they fail.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted

DOVECOT_PATHS = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}
first_valid_gid = {gid}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class ImapServer:
    host: str
    port: int
    root: Path
    password: str

    def add_user(self, username: str) -> str:
        """An account for `username`; returns its password.

        Every name logs in with the server's one password (a static passdb), and Dovecot
        creates the mailbox on first login, so accounts need no reload of a user file.
        """
        return self.password

    def deliver(self, username: str, password: str, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in a mailbox the way a mail server would (IMAP APPEND)."""
        with MailBoxUnencrypted(self.host, self.port).login(username, password) as mailbox:
            mailbox.append(raw, folder)

    def count(self, username: str, password: str, folder: str = "INBOX") -> int:
        with MailBoxUnencrypted(self.host, self.port).login(username, password, folder) as box:
            return len(list(box.uids()))


def find_dovecot() -> str | None:
    found = shutil.which("dovecot")
    if found:
        return found
    return next((path for path in DOVECOT_PATHS if Path(path).exists()), None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _accounts(root: Path) -> dict[str, object]:
    # Dovecot refuses to run its login processes as root; as root, use the package's users.
    if os.geteuid() == 0:
        mail = pwd.getpwnam("dovecot")
        for folder in ("mail", "home"):
            os.chown(root / folder, mail.pw_uid, mail.pw_gid)
        root.chmod(0o755)
        return {
            "login_user": "dovenull",
            "internal_user": "dovecot",
            "internal_group": "dovecot",
            "uid": mail.pw_uid,
            "gid": mail.pw_gid,
        }
    me = pwd.getpwuid(os.getuid())
    return {
        "login_user": me.pw_name,
        "internal_user": me.pw_name,
        "internal_group": me.pw_name,
        "uid": me.pw_uid,
        "gid": me.pw_gid,
    }


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening")


def start_dovecot(binary: str, root: Path) -> tuple[ImapServer, subprocess.Popen[bytes]]:
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    port = _free_port()
    password = secrets.token_hex(12)
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, password=password, **_accounts(root)))
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _wait_until_listening(port, process, root / "dovecot.log")
    return ImapServer(host="127.0.0.1", port=port, root=root, password=password), process


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    """A Dovecot IMAP server on 127.0.0.1 for the whole test session."""
    binary = find_dovecot()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("dovecot is not installed; scripts/test installs dovecot-imapd")
        pytest.skip("needs Dovecot (apt-get install dovecot-imapd); scripts/test installs it")
    # Why not tmp_path: pytest's folders are private to the user running the tests, and as root
    # Dovecot's mail processes run as its own user, who must be able to reach the mail folder.
    root = Path(tempfile.mkdtemp(prefix="talentloop-imap-"))
    server, process = start_dovecot(binary, root)
    try:
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
