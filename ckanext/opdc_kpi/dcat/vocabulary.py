"""The DGA standard in DCAT terms, as data: the project's namespace, a
concept per choice value, and the EU vocabularies' codes where one fits.

Standard library only (no rdflib, no CKAN): the profiles build their graphs
from these tables, and the tables are tested on their own.

- ``NS``: the project's namespace. Every dataset and resource field of the
  schema that has no exact DCAT term is written as ``NS + field name`` (the
  agency extension's field names), so another site parses it back by name.
  It is a URN, not a web address: it names terms, nothing fetches it, and it
  is the same on every site (a site's own URL would make another site's
  output unreadable).
- Concepts: every value of every choice list is ``NS + "list/" + list + "/" +
  slug`` (``skos:notation`` holds the stored value byte for byte); each list
  is a ``skos:ConceptScheme`` ``NS + "list/" + list``.
- EU codes: frequency, access right, language, file type and licence URIs of
  the Publications Office's authority tables, where one fits the DGA value.
"""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import Mapping, Optional

from ckanext.opdc_kpi.scoring.choices import CHOICES, FOCUS_AREAS, Choice
from ckanext.opdc_kpi.scoring.labels import FIELD_LABELS

NS = "urn:opdc-kpi:dga:"
EU = "http://publications.europa.eu/resource/authority/"
EU_FREQUENCY = EU + "frequency/"
EU_ACCESS_RIGHT = EU + "access-right/"
EU_LANGUAGE = EU + "language/"
EU_FILE_TYPE = EU + "file-type/"
EU_LICENCE = EU + "licence/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

#: the yes/no lists: written as xsd:boolean, not as concepts
BOOLEAN_LISTS = frozenset({"allow_harvest", "high_value_dataset", "reference_data",
                           "official_statistics", "single_source_of_truth",
                           "resource_official_statistics"})


def term(field: str) -> str:
    """The project's property for a field of the schema."""
    return NS + field


# --- concepts ------------------------------------------------------------------------

def _slug(choice: Choice) -> str:
    if re.fullmatch(r"[a-z0-9-]+", choice.value):
        return choice.value         # the focus-area codes are slugs already
    return re.sub(r"[^a-z0-9]+", "-", choice.en.lower()).strip("-")


def scheme_of(field: str) -> str:
    """The list a field's values come from: a resource field shares the list
    of its dataset field (``resource_data_collect`` → ``data_collect``)."""
    choices = CHOICES.get(field)
    if field.startswith("resource_"):
        base = field[len("resource_"):]
        if CHOICES.get(base) is choices:
            return base
    return field


def _concepts() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, choices in CHOICES.items():
        if name in BOOLEAN_LISTS or scheme_of(name) != name:
            continue
        slugs = {choice.value: _slug(choice) for choice in choices}
        if len(set(slugs.values())) != len(slugs):
            raise ValueError(f"two values of {name} share a slug: {slugs}")
        out[name] = {value: f"{NS}list/{name}/{slug}" for value, slug in slugs.items()}
    return out


#: list name -> stored value -> concept IRI
CONCEPTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {name: MappingProxyType(table) for name, table in _concepts().items()})
#: concept IRI -> (list name, stored value)
VALUE_OF: Mapping[str, tuple[str, str]] = MappingProxyType(
    {iri: (name, value) for name, table in CONCEPTS.items() for value, iri in table.items()})


def concept(field: str, value: str) -> Optional[str]:
    """The concept IRI of a stored value, None when the value is not listed."""
    return CONCEPTS.get(scheme_of(field), {}).get(value)


def scheme(field: str) -> str:
    return NS + "list/" + scheme_of(field)


def choice(field: str, value: str) -> Optional[Choice]:
    for item in CHOICES.get(field, ()):
        if item.value == value:
            return item
    return None


def scheme_title(field: str) -> tuple[str, str]:
    """(Thai, English) title of a list's concept scheme."""
    name = scheme_of(field)
    return FIELD_LABELS.get(name, (name, name))


FOCUS_SCHEME = scheme("focus_area")
DATA_TYPE_SCHEME = scheme("data_type")
FOCUS_CODES = tuple(c.value for c in FOCUS_AREAS)

# --- frequency ------------------------------------------------------------------------

#: (unit, period of one interval in the unit's base) for the timed units
_UNIT_PERIOD = {"ปี": ("month", 12), "ครึ่งปี": ("month", 6), "ไตรมาส": ("month", 3),
                "เดือน": ("month", 1), "สัปดาห์": ("day", 7), "วัน": ("day", 1),
                "ชั่วโมง": ("minute", 60), "นาที": ("minute", 1)}
_PERIODS = {
    "month": {1: "MONTHLY", 2: "BIMONTHLY", 3: "QUARTERLY", 4: "ANNUAL_3", 6: "ANNUAL_2",
              12: "ANNUAL", 24: "BIENNIAL", 36: "TRIENNIAL", 48: "QUADRENNIAL",
              60: "QUINQUENNIAL", 120: "DECENNIAL", 240: "BIDECENNIAL", 360: "TRIDECENNIAL"},
    "day": {1: "DAILY", 7: "WEEKLY", 14: "BIWEEKLY"},
    "minute": {1: "1MIN", 5: "5MIN", 10: "10MIN", 15: "15MIN", 30: "30MIN", 60: "HOURLY",
               120: "BIHOURLY", 180: "TRIHOURLY", 720: "12HRS", 1440: "DAILY"},
}
_UNIT_CODE = {"ไม่ทราบ": "UNKNOWN", "ตามเวลาจริง": "UPDATE_CONT",
              "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล": "NEVER", "อื่นๆ": "OTHER"}


def interval_number(interval) -> Optional[int]:
    """A positive interval (blank: 1); None when it is no positive number."""
    if interval is None or (isinstance(interval, str) and not interval.strip()):
        return 1
    if isinstance(interval, bool):
        return None
    try:
        number = int(str(interval).strip())
    except ValueError:
        return None
    return number if number > 0 else None


def frequency(unit, interval) -> Optional[str]:
    """The EU frequency URI for a DGA unit and interval: the exact code where
    the EU table has one (every 5 years: QUINQUENNIAL), ``OTHER`` for a
    timed frequency it has no code for (every 7 years), None without a unit."""
    if not isinstance(unit, str) or not unit.strip():
        return None
    unit = unit.strip()
    if unit in _UNIT_CODE:
        return EU_FREQUENCY + _UNIT_CODE[unit]
    number = interval_number(interval)
    if unit == "วันทำการ":
        code = "DAILY" if number == 1 else None
    elif unit in _UNIT_PERIOD and number is not None:
        base, size = _UNIT_PERIOD[unit]
        code = _PERIODS[base].get(size * number)
    else:
        code = None
    return EU_FREQUENCY + (code or "OTHER")


#: EU frequency code -> (unit, interval) for a source that gives only the code
FREQUENCY_BACK: Mapping[str, tuple[str, str]] = MappingProxyType({
    "ANNUAL": ("ปี", "1"), "BIENNIAL": ("ปี", "2"), "TRIENNIAL": ("ปี", "3"),
    "QUADRENNIAL": ("ปี", "4"), "QUINQUENNIAL": ("ปี", "5"), "DECENNIAL": ("ปี", "10"),
    "BIDECENNIAL": ("ปี", "20"), "TRIDECENNIAL": ("ปี", "30"), "ANNUAL_2": ("ครึ่งปี", "1"),
    "ANNUAL_3": ("เดือน", "4"), "QUARTERLY": ("ไตรมาส", "1"), "BIMONTHLY": ("เดือน", "2"),
    "MONTHLY": ("เดือน", "1"), "BIWEEKLY": ("สัปดาห์", "2"), "WEEKLY": ("สัปดาห์", "1"),
    "DAILY": ("วัน", "1"), "HOURLY": ("ชั่วโมง", "1"), "BIHOURLY": ("ชั่วโมง", "2"),
    "TRIHOURLY": ("ชั่วโมง", "3"), "12HRS": ("ชั่วโมง", "12"), "1MIN": ("นาที", "1"),
    "5MIN": ("นาที", "5"), "10MIN": ("นาที", "10"), "15MIN": ("นาที", "15"),
    "30MIN": ("นาที", "30"), "UPDATE_CONT": ("ตามเวลาจริง", ""), "CONT": ("ตามเวลาจริง", ""),
    "NEVER": ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", ""), "UNKNOWN": ("ไม่ทราบ", ""),
})

# --- access rights, languages, file types ----------------------------------------------

#: the four data categories (and 2.2.4's internal use) onto the EU's three access rights
ACCESS_RIGHT: Mapping[str, str] = MappingProxyType({
    "ข้อมูลสาธารณะ": "PUBLIC",
    "ข้อมูลส่วนบุคคล": "RESTRICTED",      # disclosed only on the personal data law's grounds
    "ข้อมูลความมั่นคง": "NON_PUBLIC",
    "ข้อมูลความลับทางราชการ": "NON_PUBLIC",
    "ข้อมูลใช้ภายใน": "NON_PUBLIC",
})

#: data_language value -> (EU language code, BCP 47 tag for schema.org)
LANGUAGES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "ไทย": ("THA", "th"), "อังกฤษ": ("ENG", "en"), "จีน": ("ZHO", "zh"), "มลายู": ("MSA", "ms"),
    "พม่า": ("MYA", "my"), "ลาว": ("LAO", "lo"), "เขมร": ("KHM", "km"), "ญี่ปุ่น": ("JPN", "ja"),
    "เกาหลี": ("KOR", "ko"), "ฝรั่งเศส": ("FRA", "fr"), "เยอรมัน": ("DEU", "de"),
    "อารบิก": ("ARA", "ar"),
})
LANGUAGE_BACK: Mapping[str, str] = MappingProxyType(
    {EU_LANGUAGE + code: value for value, (code, _) in LANGUAGES.items()})
#: a site locale (ckan.locale_default) -> EU language code
LOCALE_LANGUAGE = MappingProxyType({tag: code for code, tag in LANGUAGES.values()})

#: a resource format, lower-cased (extension, label or MIME type) -> EU file type
_FILE_TYPES = {
    "csv": "CSV", "text/csv": "CSV", "tsv": "TSV", "xml": "XML", "application/xml": "XML",
    "text/xml": "XML", "json": "JSON", "application/json": "JSON", "html": "HTML",
    "text/html": "HTML", "doc": "DOC", "application/msword": "DOC", "docx": "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "xls": "XLS", "application/vnd.ms-excel": "XLS", "xlsx": "XLSX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "ods": "ODS", "pdf": "PDF", "application/pdf": "PDF", "rdf": "RDF", "txt": "TXT",
    "text": "TXT", "text/plain": "TXT", "zip": "ZIP", "application/zip": "ZIP",
    "shp": "SHP", "shapefile": "SHP", "geojson": "GEOJSON", "application/geo+json": "GEOJSON",
    "kml": "KML", "kmz": "KMZ", "gml": "GML", "geotiff": "GEOTIFF", "tif": "TIFF",
    "tiff": "TIFF", "png": "PNG", "image/png": "PNG", "jpg": "JPEG", "jpeg": "JPEG",
    "image/jpeg": "JPEG", "gpkg": "GPKG", "json-ld": "JSON_LD", "jsonld": "JSON_LD",
    "parquet": "PARQUET", "wms": "WMS_SRVC", "wfs": "WFS_SRVC",
    "arc/info coverage": "ARCINFO_COV",
}
FILE_TYPES: Mapping[str, str] = MappingProxyType(_FILE_TYPES)

#: data_format value -> EU file type, where the DGA value names exactly one
DATA_FORMAT_FILE_TYPE: Mapping[str, str] = MappingProxyType({
    "CSV": "CSV", "XML": "XML", "JSON": "JSON", "HTML": "HTML", "PDF": "PDF", "RDF": "RDF",
    "Text": "TXT", "Shapefile": "SHP", "GeoTiff": "GEOTIFF", "GML": "GML",
    "Arc/Info Coverage": "ARCINFO_COV",
})


def file_type(value) -> Optional[str]:
    """The EU file-type URI of a resource format, None when none fits."""
    if not isinstance(value, str):
        return None
    code = FILE_TYPES.get(value.strip().lower())
    return EU_FILE_TYPE + code if code else None


_MEDIA_TYPE = re.compile(r"[a-z]+/[a-z0-9][a-z0-9.+-]*")


def media_type(value) -> Optional[str]:
    """The IANA URI of a MIME type (``text/csv``), None for anything else."""
    if isinstance(value, str) and _MEDIA_TYPE.fullmatch(value.strip().lower()):
        return IANA_MEDIA_TYPES + value.strip().lower()
    return None


# --- licences --------------------------------------------------------------------------

#: licence register id -> EU licence code (the register's URL names the version)
LICENCE_EU: Mapping[str, str] = MappingProxyType({
    "Creative Commons Attributions": "CC_BY_4_0",
    "Creative Commons Attribution Share-Alike": "CC_BYSA_4_0",
    "Creative Commons Non-Commercial (Any)": "CC_BYNC_4_0",
    "Creative Commons Attribution Non-Commercial": "CC_BYNC_4_0",
    "Creative Commons Attribution Non-Commercial Share-Alike": "CC_BYNCSA_4_0",
    "Creative Commons Attribution Non-Commercial No-Derivs": "CC_BYNCND_4_0",
    "Creative Commons Attribution No-Derivs": "CC_BYND_4_0",
    "GNU Free Documentation License": "GNU_FDL_1_3",
    "odc-pddl": "ODC_PDDL", "odc-odbl": "ODC_BL", "odc-by": "ODC_BY", "cc-zero": "CC0",
    "uk-ogl": "OGL_3_0",
})
#: licences that are no licence document (nothing to point dct:license at)
NO_LICENCE = frozenset({"License not specified", "notspecified", ""})


def licence_uri(licence_id: str, register_url: str = "") -> Optional[str]:
    """The licence document of a register id: the EU URI, else the register's
    own URL, else a concept of the project's ``license_id`` list (the DGA
    Open Government License has no URL); None for "not specified" and for
    ``อื่นๆ`` (its text goes into a blank licence document)."""
    if licence_id in NO_LICENCE or licence_id == "อื่นๆ":
        return None
    if licence_id in LICENCE_EU:
        return EU_LICENCE + LICENCE_EU[licence_id]
    if register_url and register_url.startswith(("http://", "https://")):
        return register_url
    return concept("license_id", licence_id) or NS + "list/license_id/" + re.sub(
        r"[^a-z0-9]+", "-", licence_id.lower()).strip("-")


# --- text, years, places -----------------------------------------------------------------

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")


def language_of(text) -> Optional[str]:
    """The language tag of a free text: "th" when it has Thai letters, "en"
    for words of Latin letters (at least two: a single word is as likely a
    code, a name or a format), None otherwise (numbers, codes, URLs)."""
    if not isinstance(text, str):
        return None
    if _THAI.search(text):
        return "th"
    if _LATIN.search(text) and " " in text.strip():
        return "en"
    return None


def ce_year(value) -> Optional[int]:
    """A year of data as the Common Era year: "2568" (Buddhist era, the
    agencies' way) is 2025; a year below 2400 is taken as CE already; None
    for anything that is not a plain year."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if value is not None else ""
    if not re.fullmatch(r"\d{4}", text):
        return None
    year = int(text)
    return year - 543 if year >= 2400 else year


def bounding_box(west, east, north, south) -> Optional[str]:
    """The WKT polygon of a bounding box given as four numbers, else None."""
    try:
        w, e, n, s = (float(str(v).strip()) for v in (west, east, north, south))
    except (TypeError, ValueError):
        return None
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90):
        return None
    return f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"
