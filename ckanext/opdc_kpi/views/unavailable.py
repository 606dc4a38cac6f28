"""The database stops answering under a request (PostgreSQL restarted, a
backend terminated, the server out of connections): CKAN answers a bare 500
("Internal Server Error") for the API and its generic error page. This
answers 503 instead, with a clear Thai/English message, ``Retry-After`` and
nothing the page would need the database for; the user's input stays in the
browser's form (Back) or in the API client. Nothing is kept across requests:
CKAN removes the request's session at its end, and the connection pool checks
a connection before it lends it (``sqlalchemy.pool_pre_ping``), so the next
request gets a working connection.

How a failure is told from the others: SQLAlchemy's ``handle_error`` event
(every error a DBAPI call raises, on any engine) notes on the request (flask's
``g``) that the database failed with a connection error; an answer of 500 or
more to that request is then replaced.

Which errors: those after which the same request, sent again, succeeds
(``unavailable``): the connection lost or refused (no SQLSTATE, class 08,
the server shutting down or not yet accepting, ``57P01``-``57P05``, out of
connections ``53300`` or other resources, class 53), and a statement ended
by the server for another's sake (deadlock ``40P01``, serialization
``40001``, lock timeout ``55P03``, cancelled ``57014``). psycopg2 makes
every other error of classes 54, 55, 57 and 58 an ``OperationalError`` too:
a program limit (``54000``, e.g. a value too large for an index) fails the
same way every time, so it stays CKAN's own error (500, logged), never
"try again".

A write that was committed before the database stopped answering: CKAN
commits a dataset, then its activity plugin writes the "new/changed package"
activity in a transaction of its own (``action_succeeded``). Lost between the
two, the request failed although the dataset is stored, complete: "may not
have been saved, try again" would be wrong, and a client that sends a
``package_create`` again gets "name already in use". So the datasets and
resources each request commits are noted (SQLAlchemy ``after_flush`` and
``after_commit`` on CKAN's session), and such a failure answers:

- the API, for ``package_create``/``update``/``patch`` and
  ``resource_create``/``update``/``patch``: 200 with what the action returns
  (``package_show``/``resource_show`` again, on a fresh connection, as the
  caller), plus ``opdc_kpi_note`` saying its activity entry may be missing;
  if the reading fails too, or for any other action, 503 saying the change
  was saved and must not be sent again;
- a page: 503 saying the change was saved, with a link to the dataset."""
from __future__ import annotations

import html
import json
import logging
from typing import Any, Optional

import flask
import psycopg2
import sqlalchemy as sa
from werkzeug.exceptions import InternalServerError

import ckan.model as model
import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

_NOTE = "opdc_kpi_database_failed"
#: on flask.g: the ids this request committed, by kind (_KINDS)
_COMMITTED = "opdc_kpi_committed_writes"
#: on the session: the ids its open transaction has flushed, by kind
_PENDING = "opdc_kpi_flushed_writes"
#: datasets and resources written, and those of them created
_KINDS = ("packages", "new_packages", "resources", "new_resources")
#: seconds a client is told to wait before it tries again
RETRY_AFTER = 5


#: SQLSTATEs (or their two-character classes) of a database that did not
#: answer this time (module docstring)
_TRANSIENT = frozenset({"08", "53", "57P01", "57P02", "57P03", "57P04", "57P05",
                        "40001", "40P01", "55P03", "57014"})


def unavailable(error: BaseException) -> bool:
    """The database did not answer this time: a lost or refused connection,
    or a statement the server ended for another's sake."""
    if not isinstance(error, psycopg2.OperationalError):
        return False
    code = getattr(error, "pgcode", None)
    return code is None or code in _TRANSIENT or code[:2] in _TRANSIENT


def _note(context: Any) -> None:
    """SQLAlchemy ``handle_error``: a lost or refused connection. Not the
    pool's own check of a connection before it lends it (SQLAlchemy 2.0
    reports a stale one here, then connects again: the request goes on)."""
    if getattr(context, "is_pre_ping", False):
        return
    if context.is_disconnect or unavailable(context.original_exception):
        if flask.has_request_context():
            setattr(flask.g, _NOTE, True)


_UNAVAILABLE = ("The catalog's database did not answer (it may be restarting). Your "
                "change may not have been saved: try again in a moment.")
_BACK = "Go back in your browser: what you typed is still in the form."
_SAVED = ("Your change was saved, but the catalog's database stopped answering before "
          "the request was finished. Do not send it again: open the dataset to check it.")
_SAVED_NOTE = ("Your change was saved. The catalog's database stopped answering just after "
               "it: its entry in the activity stream may be missing.")
_OPEN = "Open the dataset"

#: API actions answered again from what they committed: action -> what to read
_REREAD = {"package_create": "packages", "package_update": "packages",
           "package_patch": "packages", "resource_create": "resources",
           "resource_update": "resources", "resource_patch": "resources"}


def _ids() -> dict[str, set[str]]:
    return {kind: set() for kind in _KINDS}


def _after_flush(session: Any, flush_context: Any) -> None:
    """The datasets and resources the open transaction writes."""
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = _ids()
    new = session.new      # built anew on each reading: once per flush
    for obj in (*new, *session.dirty, *session.deleted):
        if isinstance(obj, model.Package) and obj.id:
            kind = "packages"
        elif isinstance(obj, model.Resource) and obj.id:
            kind = "resources"
            if obj.package_id:
                pending["packages"].add(obj.package_id)
        else:
            continue
        pending[kind].add(obj.id)
        if obj in new:
            pending["new_" + kind].add(obj.id)


def _after_commit(session: Any) -> None:
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    if pending and (pending["packages"] or pending["resources"]) and flask.has_request_context():
        committed = getattr(flask.g, _COMMITTED, None)
        if committed is None:
            committed = _ids()
            setattr(flask.g, _COMMITTED, committed)
        for kind in _KINDS:
            committed[kind] |= pending[kind]


def _after_rollback(session: Any) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


def _both(english: str) -> tuple[str, str]:
    """(the request language's text, the English one)."""
    return tk._(english), english


def _is_api() -> bool:
    return flask.request.path.startswith("/api/") or _action_name() is not None


def _action_name() -> Optional[str]:
    """The API action this request calls (``/api/3/action/<name>``)."""
    parts = flask.request.path.strip("/").split("/")
    if len(parts) >= 3 and parts[-2] == "action" and "api" in parts:
        return parts[-1]
    return None


def _request_id() -> Optional[str]:
    data = flask.request.get_json(silent=True)
    if not isinstance(data, dict):
        data = flask.request.form
    value = data.get("id") if hasattr(data, "get") else None
    return value if isinstance(value, str) else None


def _read_again(action: Optional[str], committed: dict) -> Optional[dict]:
    """What the committed action returns, read again as its caller, on a
    fresh connection: None when it cannot be told or read."""
    kind = _REREAD.get(action or "")
    if kind is None:
        return None
    if action.endswith("_create"):
        ids = committed["new_" + kind]
    elif kind == "packages":
        ids = committed["packages"]
    else:   # the resource the request names, if this request wrote it
        ids = {_request_id()} & committed["resources"]
    if len(ids) != 1:
        return None
    (object_id,) = ids
    show = "package_show" if kind == "packages" else "resource_show"
    # the caller's name as CKAN noted it when the request began
    user = getattr(flask.g, "user", None) or ""
    try:
        # a rollback, not remove(): the signed-in user's object (CKAN's
        # authorization reads it) stays in the session, read again on a
        # fresh connection (the pool checks it before it lends it)
        model.Session.rollback()
        return tk.get_action(show)({"user": user}, {"id": object_id})
    except Exception:  # noqa: BLE001 - the database may still be away: say "saved"
        log.warning("re-reading %s %s after a lost connection failed", show, object_id,
                    exc_info=True)
        try:
            model.Session.rollback()
        except Exception:  # noqa: BLE001
            pass
        return None


def _json(body: dict, status: int, headers: dict) -> Any:
    return flask.Response(json.dumps(body, ensure_ascii=False), status=status,
                          headers=headers, content_type="application/json;charset=utf-8")


def _page(paragraphs: list[tuple[str, str]], link: str = "") -> Any:
    """A 503 page of (the request language's text, the English one) pairs."""
    lines = []
    for number, (local, english) in enumerate(paragraphs):
        tag = "h1" if number == 0 else "p"
        lines.append(f"<{tag}>{html.escape(local)}</{tag}>")
    if link:
        lines.append(link)
    if any(local != english for local, english in paragraphs):
        lines += [f'<p lang="en">{html.escape(english)}</p>' for _, english in paragraphs]
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>503</title></head>'
            '<body class="opdc-kpi-unavailable">' + "".join(lines) + "</body></html>")
    return flask.Response(page, status=503, headers={"Retry-After": str(RETRY_AFTER)},
                          content_type="text/html;charset=utf-8")


def _message(english: str) -> str:
    local, english = _both(english)
    return local if local == english else f"{local} / {english}"


def _api_unavailable(english: str, **extra: Any) -> Any:
    """The API's 503: CKAN's error JSON, the message in both languages."""
    error = {"__type": "Service Unavailable", "message": _message(english), **extra}
    return _json({"success": False, "error": error}, 503,
                 {"Retry-After": str(RETRY_AFTER)})


def _answer_saved(committed: dict) -> Any:
    """The request committed its datasets' change before the database was
    lost (module docstring)."""
    if _is_api():
        result = _read_again(_action_name(), committed)
        if result is not None:
            return _json({"success": True, "result": result,
                          "opdc_kpi_note": _message(_SAVED_NOTE)}, 200, {})
        return _api_unavailable(_SAVED, saved=True)
    link = ""
    if len(committed["packages"]) == 1:
        try:
            url = tk.h.url_for("dataset.read", id=next(iter(committed["packages"])))
            link = f'<p><a href="{html.escape(url)}">{html.escape(tk._(_OPEN))}</a></p>'
        except Exception:  # noqa: BLE001 - the message stands without its link
            link = ""
    return _page([_both(_SAVED)], link)


def _answer(response: Any) -> Any:
    if response.status_code < 500 or not getattr(flask.g, _NOTE, False):
        return response
    committed = getattr(flask.g, _COMMITTED, None)
    if committed:
        return _answer_saved(committed)
    if _is_api():
        return _api_unavailable(_UNAVAILABLE)
    return _page([_both(_UNAVAILABLE), _both(_BACK)])


def _on_database_error(error: Exception) -> Any:
    """Flask's handler of SQLAlchemy's errors: the session is rolled back
    first, so that what answers can read the database again. CKAN's own
    handler renders its error page with the failed session (the signed-in
    user's attributes read again), which raised again: a page, unlike the
    API, then got the server's bare "Internal Server Error"."""
    try:
        model.Session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone: the pool replaces it
        log.debug("rollback after a database error failed", exc_info=True)
    lost = (getattr(error, "connection_invalidated", False)
            or unavailable(getattr(error, "orig", None))
            or (isinstance(error, sa.exc.PendingRollbackError)
                and getattr(flask.g, _NOTE, False)))
    if lost:
        log.warning("the database did not answer: %s", error, exc_info=error)
        setattr(flask.g, _NOTE, True)
        return flask.Response(status=500)     # answered by _answer (after_request)
    # any other error stays CKAN's 500 (logged), even in a request where the
    # database failed before
    setattr(flask.g, _NOTE, False)
    log.error("database error: %s", error, exc_info=error)
    return flask.current_app.handle_http_exception(InternalServerError(original_exception=error))


def install(app: Any) -> Any:
    """IMiddleware: on the Flask app."""
    if not sa.event.contains(sa.engine.Engine, "handle_error", _note):
        sa.event.listen(sa.engine.Engine, "handle_error", _note)
    for name, listener in (("after_flush", _after_flush), ("after_commit", _after_commit),
                           ("after_rollback", _after_rollback)):
        if not sa.event.contains(model.Session, name, listener):
            sa.event.listen(model.Session, name, listener)
    if hasattr(app, "after_request"):
        app.after_request(_answer)
        app.register_error_handler(sa.exc.SQLAlchemyError, _on_database_error)
    return app
