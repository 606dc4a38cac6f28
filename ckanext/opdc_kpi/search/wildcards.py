"""A Solr wildcard pattern (``*``, ``?``, backslash escapes) as a PostgreSQL
``LIKE`` pattern: what the parser's wildcard terms become in SQL."""
from __future__ import annotations


def wildcard_to_like(pattern: str) -> str:
    """A Solr wildcard pattern (escapes kept) as a LIKE pattern with ``\\``
    as the escape character: ``*`` → ``%``, ``?`` → ``_``."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            ch = pattern[i + 1]
            out.append("\\" + ch if ch in "%_\\" else ch)
            i += 2
            continue
        if ch == "*":
            out.append("%")
        elif ch == "?":
            out.append("_")
        elif ch in "%_\\":
            out.append("\\" + ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)
