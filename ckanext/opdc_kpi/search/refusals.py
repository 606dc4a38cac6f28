"""Which search failures are the caller's query refused, and why.

The PostgreSQL search raises CKAN's ``SearchQueryError`` for a query it
refuses. CKAN's Solr query raises a plain ``SearchError`` for every
``pysolr.SolrError`` (a syntax error, a server fault, a timeout alike); a
refusal is Solr's HTTP 400, whose ``Reason`` names the problem. CKAN's
message repeats the whole query sent to Solr (permission labels included),
so only the reason is ever shown.
"""
from __future__ import annotations

import re
from typing import Optional

from ckanext.opdc_kpi.search import ckan_internals

SearchError, SearchQueryError = ckan_internals.search_errors()

# pysolr: "Solr responded with an error (HTTP 400): [Reason: <reason>]";
# the reason's first line is the parser's message (then "Was expecting ...")
_SOLR_400 = re.compile(r"\(HTTP 400\):\s*\[Reason:\s*([^\n\]]*)")
# "org.apache.solr.search.SyntaxError: Cannot parse ..." -> "Cannot parse ..."
_JAVA_CLASS = re.compile(r"^(?:[a-z_][a-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*:\s*")
MAX_REASON = 300


def _causes(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def solr_refusal(error: BaseException) -> Optional[str]:
    """Solr's reason when ``error`` comes from Solr's HTTP 400, else None."""
    for cause in _causes(error):
        if type(cause).__name__ != "SolrError":
            continue
        match = _SOLR_400.search(str(cause.args[0]) if cause.args else "")
        if match:
            reason = _JAVA_CLASS.sub("", match.group(1).strip(), count=1)
            return reason[:MAX_REASON] or "Solr refused the query"
    return None


def refusal(error: BaseException) -> Optional[str]:
    """Why the search refused the query (either backend), or None when the
    search failed for another reason (Solr down, a server fault, a timeout)."""
    if isinstance(error, SearchQueryError):
        return str(error)[:MAX_REASON]
    if isinstance(error, SearchError):
        return solr_refusal(error)
    return None
