"""opdc-kpi-remote against hostile catalogs on loopback (issue 26, item 4):
keys go only where they belong, and a catalog that redirects elsewhere,
reports an endless count, pages for ever, drips one byte at a time, answers
too much or writes terminal escape sequences stops the tool with a clear
error within its limits. The limits are made small here, so each test takes
a few seconds at most."""
from __future__ import annotations

import json
import time

import pytest

from ckanext.opdc_kpi.remote import cli
from ckanext.opdc_kpi.remote.client import keeps_key

from .fake_ckan import FakeCkan, ok, search_over, status_show
from .hostile_catalog import DRIP_FOR, Hostile, tls_pair
from .test_remote_tool import DATASETS, ORG_ID, SECRET, _dataset, _org_show

FAST = ("--quiet", "--retries", "0", "--timeout", "1", "--deadline", "2")
ORG = {"id": ORG_ID, "name": "agency", "title": "หน่วยงานตัวอย่าง"}
STATUS = {"ckan_version": "2.9.11"}


def _run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _catalog(search: dict[str, object]):
    """A catalog whose package_search always answers ``search``."""
    def respond(answer, action, params):
        if action == "status_show":
            answer.ok(STATUS)
        elif action == "organization_show":
            answer.ok(ORG)
        else:
            answer.ok(search)
    return respond


@pytest.fixture
def no_common_key(monkeypatch):
    monkeypatch.delenv(cli.API_KEY_ENV, raising=False)


# --- keys go only where they belong ---------------------------------------------------

def _a_catalog_elsewhere():
    """The real catalog on another host: 127.0.0.2 (loopback, not 127.0.0.1)."""
    return FakeCkan({"status_show": status_show, "organization_show": _org_show,
                     "package_search": search_over(DATASETS)}, host="127.0.0.2")


def test_a_redirect_to_another_host_does_not_carry_the_key(capsys, monkeypatch):
    monkeypatch.setenv(cli.API_KEY_ENV, SECRET)
    with _a_catalog_elsewhere() as elsewhere:
        def respond(answer, action, params):
            answer.redirect(f"{elsewhere.url}/api/3/action/{action}")

        with Hostile(respond) as first:
            code, out, err = _run(capsys, "score", first.url, "--org", "agency", "--year",
                                  "2565", "--format", "json", *FAST)
    assert elsewhere.requests
    assert [r["headers"].get("Authorization") for r in elsewhere.requests] == \
        [None] * len(elsewhere.requests)
    assert [r["headers"].get("Authorization") for r in first.requests] == [SECRET] * 3
    assert code == 0, err     # followed as the same call: POST with its body
    assert {r["action"]: r["params"].get("id") for r in elsewhere.requests}[
        "organization_show"] == "agency"
    assert json.loads(out)["source"]["datasets_read"] == 5
    assert f"redirects to {elsewhere.url}" in err and "API key was not sent there" in err
    assert SECRET not in out + err


def test_a_redirect_from_https_to_http_does_not_carry_the_key(capsys, monkeypatch, tmp_path):
    pair = tls_pair(tmp_path)
    if pair is None:
        pytest.skip("no openssl command to make a certificate")
    server_tls, certificate = pair
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))   # the tool trusts the test's CA
    monkeypatch.setenv(cli.API_KEY_ENV, SECRET)
    with FakeCkan({"status_show": status_show, "organization_show": _org_show,
                   "package_search": search_over(DATASETS)}) as plain:
        def respond(answer, action, params):
            if answer.handler.path.startswith("/same/"):   # https to https, same host
                answer.redirect(f"{plain.url}/api/3/action/{action}")
            else:
                answer.redirect(f"/same/api/3/action/{action}")

        with Hostile(respond, tls=server_tls) as secure:
            code, _, err = _run(capsys, "score", secure.url, "--org", "agency", "--year",
                                "2565", "--format", "json", *FAST)
    assert plain.requests
    assert [r["headers"].get("Authorization") for r in plain.requests] == \
        [None] * len(plain.requests)
    assert [r["headers"].get("Authorization") for r in secure.requests] == [SECRET] * 6
    assert code == 0, err
    assert f"{secure.url} redirects to {plain.url}: another host or plain http, so the API " \
           "key was not sent there" in err


@pytest.mark.parametrize("catalog, target, kept", [
    ("https://a.example", "https://a.example/x", True),
    ("https://a.example", "https://a.example:443/x", True),
    ("https://a.example", "http://a.example/x", False),      # down to http
    ("https://a.example", "https://b.example/x", False),
    ("https://a.example", "https://a.example:8443/x", False),
    ("https://a.example", "https://a.example.evil.example/x", False),
    ("http://a.example", "https://a.example/x", True),       # up to https
    ("http://a.example", "http://a.example/y", True),
    ("http://127.0.0.1:5000", "http://localhost:5000/x", False),
    ("http://a.example", "ftp://a.example/x", False),
    ("https://a.example", "https://a.example:99999/x", False),   # not a port
])
def test_which_redirect_keeps_the_key(catalog, target, kept):
    assert keeps_key(catalog, target) is kept


def test_a_key_over_plain_http_gets_a_warning(capsys, monkeypatch):
    monkeypatch.setenv(cli.API_KEY_ENV, SECRET)
    with FakeCkan({"status_show": status_show, "organization_show": _org_show,
                   "package_search": search_over(DATASETS)}) as fake:
        code, _, err = _run(capsys, "score", fake.url, "--org", "agency", "--year", "2565",
                            "--format", "csv", "--quiet")
    assert code == 0
    assert f"warning: the API key goes to {fake.url} over plain http" in err
    assert SECRET not in err


@pytest.mark.parametrize("common", ["option", "environment"])
def test_a_list_refuses_a_common_key(capsys, monkeypatch, tmp_path, common):
    listing = tmp_path / "catalogs.txt"
    with FakeCkan({"status_show": status_show}) as fake:
        listing.write_text(f"{fake.url} agency\n", encoding="utf-8")
        argv = ["score", "--list", str(listing), "--quiet"]
        if common == "option":
            monkeypatch.delenv(cli.API_KEY_ENV, raising=False)
            argv += ["--api-key", SECRET]
        else:
            monkeypatch.setenv(cli.API_KEY_ENV, SECRET)
        code, out, err = _run(capsys, *argv)
    assert code == 2
    assert "key=ENVVAR" in err and "no catalog receives another's key" in err
    assert fake.requests == [] and SECRET not in out + err


def test_each_line_of_a_list_sends_its_own_key(capsys, monkeypatch, tmp_path, no_common_key):
    monkeypatch.setenv("KEY_A", "key-of-a")
    monkeypatch.setenv("KEY_B", "key-of-b")
    handlers = {"status_show": status_show, "organization_show": _org_show,
                "package_search": search_over(DATASETS)}
    with FakeCkan(handlers) as a, FakeCkan(handlers, host="127.0.0.2") as b, \
            FakeCkan(handlers) as public:
        listing = tmp_path / "catalogs.txt"
        listing.write_text(f"{a.url} agency key=KEY_A\n{b.url} agency key=KEY_B\n"
                           f"{public.url} agency\n", encoding="utf-8")
        code, out, err = _run(capsys, "score", "--list", str(listing), "--year", "2565",
                              "--format", "json", "--quiet")
    assert code == 0, err
    assert {r["headers"].get("Authorization") for r in a.requests} == {"key-of-a"}
    assert {r["headers"].get("Authorization") for r in b.requests} == {"key-of-b"}
    assert {r["headers"].get("Authorization") for r in public.requests} == {None}
    assert [row["public_only"] for row in json.loads(out)] == [False, False, True]


@pytest.mark.parametrize("line, message", [
    ("{url} agency key=NOT_SET_ANYWHERE", "NOT_SET_ANYWHERE (key=) is not set"),
    ("{url} agency key=" + SECRET + ".x", "not the key itself"),
    ("{url} agency key=A key=B", "[key=ENVVAR]' expected"),
])
def test_a_bad_key_line_stops_the_list_before_any_call(capsys, tmp_path, no_common_key,
                                                       line, message):
    with FakeCkan({"status_show": status_show}) as fake:
        listing = tmp_path / "catalogs.txt"
        listing.write_text(f"{fake.url} agency\n" + line.format(url=fake.url) + "\n",
                           encoding="utf-8")
        code, _, err = _run(capsys, "score", "--list", str(listing), "--quiet")
    assert code == 2 and "line 2" in err and message in err
    assert fake.requests == [] and SECRET not in err


# --- a hostile catalog stops the tool within its limits ------------------------------------

def test_an_endless_count_is_refused(capsys):
    with Hostile(_catalog({"count": 10**12, "results": []})) as hostile:
        code, _, err = _run(capsys, "score", hostile.url, "--org", "agency", *FAST)
    assert code == 7
    assert "reports 1,000,000,000,000 datasets, more than 100,000 (--max-datasets)" in err


def test_pages_that_never_end_are_refused(capsys):
    """A catalog of 60 datasets that answers one per page: 60 pages."""
    pages = []

    def respond(answer, action, params):
        if action in ("status_show", "organization_show"):
            return _catalog({})(answer, action, params)
        pages.append(params.get("start"))
        answer.ok({"count": 60, "results": [_dataset(len(pages))]})

    with Hostile(respond) as hostile:
        code, _, err = _run(capsys, "score", hostile.url, "--org", "agency", "--max-pages",
                            "10", *FAST)
    assert code == 7 and "needs more than 10 pages (--max-pages)" in err
    assert len(pages) == 1     # refused before reading the rest


def test_a_harvest_walk_that_never_ends_is_refused(capsys):
    served = []

    def respond(answer, action, params):
        if action == "status_show":
            return answer.ok(STATUS)
        served.append(1)     # every page brings 100 new datasets, and more are counted
        start = int(params.get("start") or 0)
        answer.ok({"count": start + 1000,
                   "results": [{"id": f"id-{start + n}", "name": f"d{start + n}"}
                               for n in range(100)]})

    with Hostile(respond) as hostile:
        code, _, err = _run(capsys, "harvest-check", hostile.url, "--max-pages", "5", *FAST)
    assert code == 7 and "needs more than 5 pages (--max-pages)" in err
    assert len(served) <= 6


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_slow_drip_is_cut_off_at_the_deadline(capsys, where):
    """One byte every 0.3 s: each read is well inside --timeout 1, the whole
    answer never comes; --deadline 2 ends it."""
    def respond(answer, action, params):
        if where == "body":
            answer.drip(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 100000\r\n\r\n{", b" ")
        else:
            answer.drip(b"HTTP/1.0 200 OK\r\nX-Slow: ", b"a")

    with Hostile(respond) as hostile:
        started = time.monotonic()
        code, _, err = _run(capsys, "score", hostile.url, "--org", "agency", *FAST)
        took = time.monotonic() - started
    assert code == 7, err
    assert "gave no complete answer within 2 s (--deadline)" in err
    assert took < 4 < DRIP_FOR


@pytest.mark.parametrize("declared", [True, False])
def test_an_oversized_answer_is_refused(capsys, declared):
    body = b'{"success": true, "result": {"ckan_version": "' + b"x" * 3 * 2**20 + b'"}}'

    def respond(answer, action, params):
        length = f"Content-Length: {len(body)}\r\n" if declared else ""
        answer.raw(f"HTTP/1.0 200 OK\r\n{length}\r\n".encode() + body)

    with Hostile(respond) as hostile:
        code, _, err = _run(capsys, "score", hostile.url, "--org", "agency",
                            "--max-response-mb", "1", *FAST)
    assert code == 7 and "larger than 1 MB (--max-response-mb)" in err


def test_a_redirect_loop_is_cut_off(capsys):
    with Hostile(lambda answer, action, params: answer.redirect("/again")) as hostile:
        code, _, err = _run(capsys, "score", hostile.url, "--org", "agency", *FAST)
    assert code == 7 and "redirects more than 5 times" in err
    assert len(hostile.requests) == 6


def test_a_redirect_to_a_broken_url_is_not_ckan(capsys):
    with Hostile(lambda answer, action, params: answer.redirect("http://[::1/x")) as hostile:
        code, _, err = _run(capsys, "score", hostile.url, "--org", "agency", *FAST)
    assert code == 4 and "redirects to a URL that is not a valid http(s) URL" in err


def test_a_nesting_bomb_is_not_ckan(capsys):
    def respond(answer, action, params):
        answer.raw(b"HTTP/1.0 200 OK\r\n\r\n" + b"[" * 200_000)

    with Hostile(respond) as hostile:
        code, _, err = _run(capsys, "score", hostile.url, "--org", "agency", *FAST)
    assert code == 4 and "not CKAN's JSON" in err


ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b1;1H\r\u202e"
TITLE = f"ชุดข้อมูล{ESCAPES}ปลอดภัย"


def _shows_no_control(text: str) -> bool:
    text = text.replace("\r\n", "\n")    # a CSV's line ends
    return not any(ch in text for ch in "\x1b\x07\x9b\r\u202e")


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_titles_reach_the_terminal_without_control_characters(capsys, tmp_path, fmt,
                                                              no_common_key):
    datasets = [_dataset(1, title=TITLE, name="d-1"), _dataset(2, name="d-2\x1b[8m")]
    org = dict(ORG, title=f"หน่วยงาน{ESCAPES}")
    basket = tmp_path / "basket.csv"
    basket.write_text("focus_area,mission,work_process,dataset\ntourism,m,w,d-1\n",
                      encoding="utf-8")
    with FakeCkan({"status_show": status_show, "organization_show": lambda p, h: ok(org),
                   "package_search": search_over(datasets)}) as fake:
        code, out, err = _run(capsys, "score", fake.url, "--org", "agency", "--year", "2565",
                              "--basket", str(basket), "--format", fmt, "--quiet")
    assert code == 0, err
    assert _shows_no_control(out) and _shows_no_control(err)
    assert "ชุดข้อมูล" in out and "ปลอดภัย" in out
    if fmt == "json":    # escaped, not lost: the data is exact
        report = json.loads(out)
        assert report["datasets"][0]["title"] == TITLE
        assert report["organization"]["title"] == org["title"]


def test_a_catalogs_error_message_reaches_the_terminal_without_control_characters(capsys):
    def respond(answer, action, params):
        answer.json({"success": False, "error": {"message": f"no{ESCAPES}"}}, status=409)

    with Hostile(respond) as hostile:
        code, _, err = _run(capsys, "score", hostile.url, "--org", "agency", *FAST)
    assert code == 6 and "status_show failed" in err and _shows_no_control(err)


@pytest.mark.parametrize("command", ["score", "harvest-check"])
def test_help_names_every_limit_and_the_key_rules(capsys, command):
    with pytest.raises(SystemExit) as done:
        cli.main([command, "--help"])
    text = capsys.readouterr().out
    assert done.value.code == 0
    for limit in ("--timeout 30 ", "--deadline 120 ", "--max-response-mb 100 ",
                  "--max-datasets 100000 ", "--max-pages 1000 ", "5 redirects",
                  "key=ENVVAR", "7 over a limit"):
        assert limit in text, limit
