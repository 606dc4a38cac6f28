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
"try again"."""
from __future__ import annotations

import html
import json
from typing import Any

import flask
import psycopg2
import sqlalchemy as sa

import ckan.plugins.toolkit as tk

_NOTE = "opdc_kpi_database_failed"
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
    """SQLAlchemy ``handle_error``: a lost or refused connection."""
    if context.is_disconnect or unavailable(context.original_exception):
        if flask.has_request_context():
            setattr(flask.g, _NOTE, True)


_UNAVAILABLE = ("The catalog's database did not answer (it may be restarting). Your "
                "change may not have been saved: try again in a moment.")
_BACK = "Go back in your browser: what you typed is still in the form."


def _both(english: str) -> tuple[str, str]:
    """(the request language's text, the English one)."""
    return tk._(english), english


def _answer(response: Any) -> Any:
    if response.status_code < 500 or not getattr(flask.g, _NOTE, False):
        return response
    local, english = _both(_UNAVAILABLE)
    headers = {"Retry-After": str(RETRY_AFTER)}
    if flask.request.path.startswith("/api/"):
        message = local if local == english else f"{local} / {english}"
        body = {"success": False, "error": {"__type": "Service Unavailable", "message": message}}
        return flask.Response(json.dumps(body, ensure_ascii=False), status=503,
                              headers=headers, content_type="application/json;charset=utf-8")
    back_local, back_english = _both(_BACK)
    lines = [f"<h1>{html.escape(local)}</h1>", f"<p>{html.escape(back_local)}</p>"]
    if local != english:
        lines += [f'<p lang="en">{html.escape(english)}</p>',
                  f'<p lang="en">{html.escape(back_english)}</p>']
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>503</title></head>'
            '<body class="opdc-kpi-unavailable">' + "".join(lines) + "</body></html>")
    return flask.Response(page, status=503, headers=headers,
                          content_type="text/html;charset=utf-8")


def install(app: Any) -> Any:
    """IMiddleware: on the Flask app."""
    if not sa.event.contains(sa.engine.Engine, "handle_error", _note):
        sa.event.listen(sa.engine.Engine, "handle_error", _note)
    if hasattr(app, "after_request"):
        app.after_request(_answer)
    return app
