"""The sysadmin API token a bench run uses: made for the run, expiring on its
own (CKAN's ``expire_api_token`` plugin puts an ``exp`` claim in the token,
which CKAN checks whether or not the site loads the plugin) and revoked when
the run ends, however it ends (``with run_token(...)``: the ``finally`` is the
trap; SIGTERM and SIGHUP become ``SystemExit`` so it runs on them too).

The token is made in a Python process of the site's venv (the site's ini
with ``expire_api_token`` added to its plugins) and handed back on a pipe,
never on a command line or in a file; revoking needs only its id.
"""
from __future__ import annotations

import base64
import contextlib
import json
import pathlib
import signal
import subprocess
import sys
from typing import Iterator

ROOT = pathlib.Path(__file__).resolve().parents[2]
#: a token file of earlier versions of the bench (a token that never expired)
OLD_TOKEN_FILE = ROOT / ".state" / "bench-token"

_CREATE = r"""
import sys
import ckan.plugins.toolkit as tk
from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

ini, user, name, minutes = sys.argv[1:5]
config = CKANConfigLoader(ini).get_config()
plugins = config.get("ckan.plugins", "").split()
if "expire_api_token" not in plugins:
    config["ckan.plugins"] = " ".join(plugins + ["expire_api_token"])
app = make_app(config)
with app._wsgi_app.test_request_context():
    token = tk.get_action("api_token_create")(
        {"ignore_auth": True},
        {"user": user, "name": name, "expires_in": int(minutes), "unit": 60})
sys.stdout.write("\nTOKEN " + token["token"] + "\n")
"""


def token_id(token: str) -> str:
    """The token's id (its JWT ``jti``): what revoking it needs."""
    return claims(token)["jti"]


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def create(venv: pathlib.Path, ini: str, minutes: int, user: str = "admin",
           name: str = "bench-load") -> str:
    done = subprocess.run([str(venv / "bin" / "python"), "-c", _CREATE, str(ini), user, name,
                           str(minutes)], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("TOKEN ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"cannot make a sysadmin token for {user!r}: "
                         f"{done.stderr.strip()[-1000:]}")
    return lines[-1][len("TOKEN "):].strip()


def revoke(venv: pathlib.Path, ini: str, token: str) -> bool:
    # "--": a token id is URL-safe base64 and may start with "-", which the
    # command line would take for an option (1 token in 64)
    done = subprocess.run([str(venv / "bin" / "ckan"), "-c", str(ini), "user", "token",
                           "revoke", "--", token_id(token)], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    return done.returncode == 0


def _exit_on(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def run_token(venv: pathlib.Path, ini: str, minutes: int, user: str = "admin",
              name: str = "bench-load") -> Iterator[str]:
    """A sysadmin token for the block, expiring after ``minutes``, revoked
    when the block ends (an error, Ctrl-C, SIGTERM or SIGHUP included)."""
    if OLD_TOKEN_FILE.exists():    # left by an earlier version: revoke it, then drop it
        old = OLD_TOKEN_FILE.read_text(encoding="utf-8").strip()
        if old.count(".") == 2:
            revoke(venv, ini, old)
        OLD_TOKEN_FILE.unlink()
    previous = {s: signal.signal(s, _exit_on) for s in (signal.SIGTERM, signal.SIGHUP)}
    token = None
    try:
        token = create(venv, ini, minutes, user, name)
        yield token
    finally:
        if token is not None and not revoke(venv, ini, token):
            print(f"[token] could not revoke the bench's token {token_id(token)}: it "
                  f"expires by itself within {minutes} min", file=sys.stderr)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
