"""The load bench's sysadmin token (issue 26, item 6): made for the run with
an expiry (CKAN's expire_api_token plugin), and revoked when the run fails,
here by SIGTERM in the middle of it (~8 s: a CKAN app in a subprocess)."""
from __future__ import annotations

import importlib.util
import os
import pathlib
import signal
import sys
import time

import pytest

from ckan import model
from ckan.lib import api_token
from ckan.tests import factories

ROOT = pathlib.Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _bench_token_module():
    spec = importlib.util.spec_from_file_location(
        "sysadmin_token", ROOT / "bench" / "load" / "sysadmin_token.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_token_expires_and_is_revoked_when_the_run_is_killed():
    bench = _bench_token_module()
    sysadmin = factories.Sysadmin()
    venv = pathlib.Path(sys.executable).parent.parent
    ini = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")
    seen = {}
    with pytest.raises(SystemExit) as stopped:
        with bench.run_token(venv, ini, minutes=7, user=sysadmin["name"]) as token:
            seen["claims"] = bench.claims(token)
            seen["user"] = api_token.get_user_from_token(token)
            os.kill(os.getpid(), signal.SIGTERM)     # the run is stopped half-way
            time.sleep(5)                           # (the signal arrives before this ends)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert seen["user"] is not None and seen["user"].name == sysadmin["name"]
    assert abs(seen["claims"]["exp"] - (time.time() + 7 * 60)) < 120
    model.Session.expire_all()
    assert model.Session.get(model.ApiToken, seen["claims"]["jti"]) is None
    assert signal.getsignal(signal.SIGTERM) is not bench._exit_on   # handlers restored


def test_a_token_whose_id_starts_with_a_dash_is_revoked():
    """A token id is URL-safe base64: one in 64 starts with "-", which
    ``ckan user token revoke`` read as an option, so such a token was never
    revoked (seen in CI, when the random seed gave one)."""
    bench = _bench_token_module()
    sysadmin = factories.Sysadmin()
    venv = pathlib.Path(sys.executable).parent.parent
    ini = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")
    jti = "-dash-first-token-id"
    model.Session.add(model.ApiToken(user_id=sysadmin["id"], name="bench-load"))
    model.Session.flush()
    model.Session.query(model.ApiToken).filter_by(user_id=sysadmin["id"]).update({"id": jti})
    model.Session.commit()
    token = api_token.encode({"jti": jti})
    assert bench.token_id(token) == jti
    assert bench.revoke(venv, ini, token)
    model.Session.expire_all()
    assert model.Session.get(model.ApiToken, jti) is None
