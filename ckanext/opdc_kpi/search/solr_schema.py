"""CKAN's Solr schema with Thai search: the installed CKAN's own
``ckan/config/solr/schema.xml``, transformed as text (never edited in place),
for ``ckan opdc-kpi solr-schema`` and ``scripts/solr.sh``.

CKAN's ``text`` field type (title, notes, the catch-all ``text``, the
``extras_*``) splits on white space, then CKAN's filters split words at
punctuation and case changes. Thai is written without spaces, so a Thai word
inside a longer run of Thai letters is not a token and is never found. The
transformed type adds, before the tokenizer of both analyzers:

1. the split SARA AM joined (NIKHAHIT + SARA AA, a tone mark between them
   moved before the vowel), as the extension normalises stored text;
2. every run of Thai letters turned into its overlapping two-letter pieces
   ("ประมง" -> "ปร ระ ะม มง"; a single letter stays itself), each a token.

Characters outside the Thai letters are not touched, so text without Thai is
tokenized exactly as by CKAN's schema. With ``autoGeneratePhraseQueries`` the
pieces of one query word are matched as a phrase (adjacent, in order), so a
Thai word matches where it stands inside longer words, as the PostgreSQL
search's substring match does, and not wherever its pieces occur. Nothing
else of CKAN's file changes (its ``name``, which CKAN checks at start-up,
included). Pure functions; only :func:`ckan_schema_path` looks at the
installed CKAN, without importing it.
"""
from __future__ import annotations

import importlib.util
import pathlib
import re
import sys

#: Thai letters, vowels, tone and other marks, digits: U+0E01-U+0E3A,
#: U+0E40-U+0E4E, U+0E50-U+0E59 (the baht sign and the Thai punctuation
#: marks U+0E4F, U+0E5A, U+0E5B are punctuation, as elsewhere)
THAI_LETTERS = r"\u0E01-\u0E3A\u0E40-\u0E4E\u0E50-\u0E59"
MARK = "ckanext-opdc_kpi Thai"
_T = f"[{THAI_LETTERS}]"
# the extension's normalize_text: NIKHAHIT [tone] SARA AA -> [tone] SARA AM
SARA_AM_PATTERN = r"\u0E4D([\u0E48-\u0E4B]?)\u0E32"
SARA_AM_REPLACEMENT = "$1\u0E33"
# a run's last letter (after another) is dropped, every other letter becomes
# itself and the next letter: the overlapping two-letter pieces of a run
PIECES_PATTERN = f"(?<={_T}){_T}(?!{_T})|({_T})(?=({_T})?)"
PIECES_REPLACEMENT = " $1$2 "

_TEXT_TYPE = re.compile(r'<fieldType\s+name="text"\s[^>]*>')
_TOKENIZER = re.compile(r'^([ \t]*)<tokenizer class="solr\.WhitespaceTokenizerFactory"\s*/>',
                        re.MULTILINE)
_NAME = re.compile(r'<schema\s+name="([^"]+)"')


class SchemaShapeError(ValueError):
    """CKAN's schema is not shaped as this transformation expects."""


def _xml_attribute(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace("\u0E33", "&#xE33;"))


def char_filter_lines(indent: str) -> str:
    """The lines added before each analyzer's tokenizer."""
    filters = ((SARA_AM_PATTERN, SARA_AM_REPLACEMENT), (PIECES_PATTERN, PIECES_REPLACEMENT))
    lines = [f"{indent}<!-- {MARK}: Thai letters as overlapping two-letter pieces -->"]
    lines += [f'{indent}<charFilter class="solr.PatternReplaceCharFilterFactory" '
              f'pattern="{_xml_attribute(p)}" replacement="{_xml_attribute(r)}"/>'
              for p, r in filters]
    return "\n".join(lines) + "\n"


def is_thai(schema: str) -> bool:
    """Whether ``schema`` is already this transformation's output."""
    return MARK in schema


def schema_name(schema: str) -> str:
    match = _NAME.search(schema)
    if not match:
        raise SchemaShapeError("no <schema name=...> in the schema")
    return match.group(1)


def thai_schema(schema: str) -> str:
    """``schema`` (the text of CKAN's schema.xml) with Thai search in its
    ``text`` field type; the rest unchanged, byte for byte. Idempotent.
    Raises :class:`SchemaShapeError` when the ``text`` type is not CKAN's
    (one ``solr.TextField`` with two analyzers on a white-space tokenizer)."""
    if is_thai(schema):
        return schema
    schema_name(schema)
    matches = list(_TEXT_TYPE.finditer(schema))
    if len(matches) != 1:
        raise SchemaShapeError(f'expected one <fieldType name="text">, found {len(matches)}')
    opening = matches[0]
    if 'class="solr.TextField"' not in opening.group(0):
        raise SchemaShapeError('<fieldType name="text"> is not a solr.TextField')
    if "autoGeneratePhraseQueries" in opening.group(0):
        raise SchemaShapeError('<fieldType name="text"> already sets autoGeneratePhraseQueries')
    end = schema.find("</fieldType>", opening.end())
    if end < 0:
        raise SchemaShapeError('<fieldType name="text"> is not closed')
    body = schema[opening.end():end]
    if body.count("<analyzer") != 2 or "<charFilter" in body:
        raise SchemaShapeError('<fieldType name="text"> does not have its two analyzers '
                               "(index, query) without char filters")
    tokenizers = list(_TOKENIZER.finditer(body))
    if len(tokenizers) != 2:
        raise SchemaShapeError('<fieldType name="text">: expected each analyzer to use '
                               "solr.WhitespaceTokenizerFactory")
    new_body, last = [], 0
    for tokenizer in tokenizers:
        new_body.append(body[last:tokenizer.start()])
        new_body.append(char_filter_lines(tokenizer.group(1)))
        last = tokenizer.start()
    new_body.append(body[last:])
    tag = opening.group(0)
    new_tag = tag[:-1].rstrip("/").rstrip() + ' autoGeneratePhraseQueries="true">'
    return schema[:opening.start()] + new_tag + "".join(new_body) + schema[end:]


def ckan_schema_path() -> pathlib.Path:
    """The installed CKAN's own ``ckan/config/solr/schema.xml`` (CKAN is
    located, not imported)."""
    spec = importlib.util.find_spec("ckan")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("CKAN is not installed in this Python")
    for location in spec.submodule_search_locations:
        path = pathlib.Path(location) / "config" / "solr" / "schema.xml"
        if path.is_file():
            return path
    raise FileNotFoundError("CKAN's config/solr/schema.xml is not in the installed CKAN")


def installed_thai_schema() -> str:
    """The installed CKAN's schema with Thai search."""
    return thai_schema(ckan_schema_path().read_text(encoding="utf-8"))


def main() -> int:
    """``python -m ckanext.opdc_kpi.search.solr_schema``: what ``ckan opdc-kpi
    solr-schema`` prints, without a CKAN site (scripts/solr.sh)."""
    try:
        text = installed_thai_schema()
    except (OSError, SchemaShapeError) as error:
        print(f"solr-schema: {error}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
