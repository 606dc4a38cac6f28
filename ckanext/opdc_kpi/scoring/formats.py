"""Resource formats: one canonical name per format, and the format map that
gives each format its openness tier (kpi-rules.md, "Default format map")."""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any, Mapping

from ckanext.opdc_kpi.scoring.text import normalize_text

# full MIME types (lower case, parameters removed) -> format
_MIME: Mapping[str, str] = MappingProxyType({
    "text/csv": "CSV",
    "application/csv": "CSV",
    "text/comma-separated-values": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "text/json": "JSON",
    "application/geo+json": "GEOJSON",
    "application/vnd.geo+json": "GEOJSON",
    "application/ld+json": "JSON-LD",
    "application/xml": "XML",
    "text/xml": "XML",
    "application/rdf+xml": "RDF",
    "text/turtle": "TTL",
    "application/x-turtle": "TTL",
    "application/vnd.google-earth.kml+xml": "KML",
    "application/gml+xml": "GML",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.ms-powerpoint": "PPT",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "application/pdf": "PDF",
    "text/plain": "TXT",
    "text/html": "HTML",
    "application/xhtml+xml": "HTML",
    "application/rtf": "RTF",
    "text/rtf": "RTF",
    "application/x-msaccess": "MDB",
    "application/vnd.ms-access": "MDB",
    "application/dbf": "DBF",
    "application/dbase": "DBF",
    "application/x-dbf": "DBF",
    "application/x-esri-shape": "SHP",
    "application/x-shapefile": "SHP",
    "image/tiff;application=geotiff": "GEOTIFF",
    "image/geotiff": "GEOTIFF",
    "application/zip": "ZIP",
})

# labels and spellings -> format
_ALIASES: Mapping[str, str] = MappingProxyType({
    "XLS/XLSX": "XLSX",
    "XLSX/XLS": "XLSX",
    "DOC/DOCX": "DOCX",
    "PPT/PPTX": "PPTX",
    "EXCEL": "XLS",
    "JSONLD": "JSON-LD",
    "JSON LD": "JSON-LD",
    "GEO JSON": "GEOJSON",
    "GEOTIF": "GEOTIFF",
    "GEO TIFF": "GEOTIFF",
    "ESRI SHAPEFILE": "SHP",
    "SHAPE FILE": "SHAPEFILE",
    "TURTLE": "TTL",
    "HTM": "HTML",
    "TEXT": "TXT",
    "REST": "API",
    "REST API": "API",
    "WEB API": "API",
})

_EXTENSION = re.compile(r"^[^/\s]*\.([A-Za-z0-9-]{1,10})$")


_FORMATS_SEEN: dict[str, str] = {}


def normalize_format(value: Any) -> str:
    """A resource ``format`` as one canonical upper-case name; see
    ``_normalize_format``. Remembered per distinct value (bounded)."""
    if type(value) is not str:
        return ""
    known = _FORMATS_SEEN.get(value)
    if known is None:
        known = _normalize_format(value)
        if len(_FORMATS_SEEN) >= 10000:
            _FORMATS_SEEN.clear()
        _FORMATS_SEEN[value] = known
    return known


def _normalize_format(value: Any) -> str:
    """A resource ``format`` as one canonical upper-case name ("" when empty).

    Accepts a file extension (``.csv``, ``report.PDF``), a label
    (``XLS/XLSX`` -> XLSX, ``API``) or a MIME type
    (``application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`` ->
    XLSX, ``text/csv; charset=utf-8`` -> CSV). An unknown MIME type gives its
    subtype without ``x-``/``vnd.`` (``application/x-foo`` -> FOO).
    """
    if not isinstance(value, str):
        return ""
    text = normalize_text(value)
    if not text:
        return ""
    lower = text.lower()
    if "/" in lower and " " not in lower.split(";")[0].strip():
        mime = lower.split(";")[0].strip()
        if lower.replace(" ", "") in _MIME:
            return _MIME[lower.replace(" ", "")]
        if mime in _MIME:
            return _MIME[mime]
        upper = text.upper()
        if upper in _ALIASES:
            return _ALIASES[upper]
        if re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", mime):
            subtype = mime.split("/", 1)[1]
            if "+" in subtype:
                subtype = subtype.rsplit("+", 1)[1]
            for prefix in ("x-", "vnd."):
                if subtype.startswith(prefix):
                    subtype = subtype[len(prefix):]
            return subtype.upper()
    upper = " ".join(text.upper().split())
    if upper in _ALIASES:
        return _ALIASES[upper]
    match = _EXTENSION.match(upper)
    if match:
        upper = match.group(1)
        return _ALIASES.get(upper, upper)
    return upper


_DEFAULT: dict[str, int] = {}
for _tier, _names in (
    (3, "CSV TSV XLSX ODS JSON GEOJSON XML KML RDF TTL JSON-LD API"),
    (2, "XLS MDB DBF SHP SHAPEFILE GEOTIFF GML"),
    (1, "PDF DOC DOCX ODT PPT PPTX TXT HTML RTF"),
):
    for _name in _names.split():
        _DEFAULT[_name] = _tier

#: kpi-rules.md's default map: canonical format -> openness tier (1..3).
#: Formats not in the map are tier 0.
DEFAULT_FORMAT_MAP: Mapping[str, int] = MappingProxyType(_DEFAULT)


def parse_format_map(text: str) -> Mapping[str, int]:
    """A format map from its config text, e.g. ``"CSV:3 XLS:2 PDF:1"``.

    Pairs ``FORMAT:TIER`` separated by white space or commas; formats are
    normalised like resource formats (``XLS/XLSX:3`` sets XLSX); tiers 0..3.
    The result replaces the default map. Raises ValueError on a malformed pair
    so a mistyped setting is noticed rather than silently scored.
    """
    if not isinstance(text, str):
        raise ValueError("format map: expected text like 'CSV:3 XLS:2 PDF:1'")
    out: dict[str, int] = {}
    for pair in re.split(r"[\s,]+", text.strip()):
        if not pair:
            continue
        name, sep, tier = pair.rpartition(":")
        key = normalize_format(name)
        if not sep or not key or not tier.isdigit() or int(tier) > 3:
            raise ValueError(f"format map: bad entry {pair!r}; expected FORMAT:TIER, tier 0..3")
        out[key] = int(tier)
    return MappingProxyType(out)


def format_tier(fmt: Any, format_map: Mapping[str, int]) -> int:
    """The tier of a resource format in ``format_map`` (0 when unknown)."""
    key = normalize_format(fmt)
    if not key:
        return 0
    try:
        tier = format_map.get(key)
        if tier is None:   # a map built by hand may have keys in any case
            tier = next((t for k, t in format_map.items() if normalize_format(k) == key), 0)
        return max(0, min(3, int(tier)))
    except (TypeError, ValueError, AttributeError):
        return 0
