"""Secrets on the host (issue 26, item 6), through the real set-up script:
``scripts/setup.sh ini`` and ``site`` write ``ckan.ini`` and the sysadmin's
password private (mode 600) and never put a secret on a command line, where
any user of the machine sees it in ``ps``; the Makefile prints where the
password is kept, not the password.

The script runs against a copy of this venv whose ``bin/ckan`` and
``bin/python`` log their command lines before running the real ones, with
its files in a temporary folder (``INI``, ``STATE``) and the test database
(``CKAN_SQLALCHEMY_URL``): about 15 s.
"""
from __future__ import annotations

import os
import pathlib
import re
import stat
import subprocess
import sys

import pytest

from ckan import model

ROOT = pathlib.Path(__file__).resolve().parents[1]
DB_PASSWORD = "db-password-issue-26"

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _recording_venv(folder: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    real = pathlib.Path(sys.executable).parent
    venv, log = folder / "venv", folder / "command-lines.log"
    (venv / "bin").mkdir(parents=True)
    for name in ("ckan", "python"):
        wrapper = venv / "bin" / name
        wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "{name} $*" >> "{log}"\n'
                           f'exec "{real / name}" "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
    return venv, log


def _setup(command: str, venv: pathlib.Path, env: dict[str, str]) -> None:
    done = subprocess.run(["scripts/setup.sh", command, str(venv)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def _mode(path: pathlib.Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_setup_writes_secrets_private_and_never_on_a_command_line(tmp_path):
    venv, log = _recording_venv(tmp_path)
    ini, state = tmp_path / "ckan.ini", tmp_path / "state"
    env = dict(os.environ, INI=str(ini), STATE=str(state), DB_PASS=DB_PASSWORD)

    _setup("ini", venv, env)
    assert _mode(ini) == 0o600
    text = ini.read_text(encoding="utf-8")
    secret_key = re.search(r"(?m)^SECRET_KEY = (\S+)$", text).group(1)
    assert DB_PASSWORD in text and len(secret_key) >= 20
    ini.chmod(0o644)                 # an ini from before: made private on the next run
    _setup("ini", venv, env)
    assert _mode(ini) == 0o600 and ini.read_text(encoding="utf-8") == text

    _setup("site", venv, env)        # the database: the test's (CKAN_SQLALCHEMY_URL)
    password_file = state / "admin-password"
    password = password_file.read_text(encoding="utf-8").strip()
    assert _mode(password_file) == 0o600 and len(password) >= 12
    admin = model.User.by_name("admin")
    assert admin is not None and admin.sysadmin and admin.validate_password(password)

    command_lines = log.read_text(encoding="utf-8")
    for step in ("generate config", "config-tool", "db init", '"user", "add", "admin"'):
        assert step in command_lines, step      # the log did record every step
    for secret in (secret_key, DB_PASSWORD, password):
        assert secret not in command_lines


def test_the_makefile_shows_where_the_password_is_not_the_password():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "admin-password" in makefile
    assert not re.search(r"cat \S*admin-password", makefile)
