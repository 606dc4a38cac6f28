"""A dataset's URL name made from its title, when none is given.

The rule (README, "The steward's dataset form"):

1. the title romanized: Thai words by the Royal Institute system (PyThaiNLP
   ``romanize(..., engine="royin")`` on its ``newmm`` words, pinned so the
   same title always gives the same name), Latin words and digits as they
   are (Thai digits as 0-9), lower case, the words joined by ``-``, anything
   else dropped, cut at a word boundary to 90 characters;
2. when that leaves fewer than 2 characters: ``<organization>-<yyyymmdd>``
   (the organization's URL name, today in Asia/Bangkok; ``dataset`` without
   an organization);
3. unique: ``-2``, ``-3``, ... after a romanized name in use (the fallback
   always takes ``-1``, ``-2``, ...), never the name of another dataset,
   deleted ones included.

Every name it makes is valid for CKAN: a-z, 0-9, ``-``, 2-100 characters.

``package_create`` without a name (or with a blank one) gets it from the
``name`` field's validator; the form asks ``opdc_kpi_dataset_name_propose``
while the title is typed, so its preview is the name the server makes.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable, Iterable, Optional

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.logic import site
from ckanext.opdc_kpi.logic.inputs import reject_unknown, validate

MIN_LENGTH = 2
MAX_LENGTH = 100
#: room left for "-<n>" after a romanized name
BASE_MAX = 90
#: a title longer than this is cut before it is romanized (a name is short)
TITLE_MAX = 300
NAME_RULE = re.compile(r"[a-z0-9_-]{2,100}")
_THAI = re.compile("[\u0e00-\u0e7f]")
_LATIN = re.compile("[A-Za-z]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NOT_NAME = re.compile(r"[^a-z0-9]+")
EXAMPLE = "sathiti-nakthongthiao-raiduean"


def has_latin(text: Any) -> bool:
    return isinstance(text, str) and bool(_LATIN.search(text))


_RUNS = re.compile("[\u0e00-\u0e7f]+|[^\u0e00-\u0e7f]+")


def _words(title: str) -> Iterable[str]:
    """The title's words: its Thai runs cut into words and romanized, the
    rest as it is."""
    from pythainlp.tokenize import word_tokenize
    from pythainlp.transliterate import romanize

    for run in _RUNS.findall(title):
        if not _THAI.match(run):
            yield run
            continue
        for token in word_tokenize(run, engine="newmm", keep_whitespace=False):
            yield romanize(token, engine="royin")


def romanized(title: Any) -> str:
    """The title as a URL name (step 1 of the rule; "" when nothing is left)."""
    if not isinstance(title, str):
        return ""
    text = unicodedata.normalize("NFC", title.strip()[:TITLE_MAX]).translate(_THAI_DIGITS)
    if not text:
        return ""
    parts: list[str] = []
    for word in _words(text):
        # accents off (é -> e), then only a-z and 0-9 are kept
        ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
        parts.extend(p for p in _NOT_NAME.split(ascii_word.lower()) if p)
    name = ""
    for part in parts:
        longer = f"{name}-{part}" if name else part
        if len(longer) > BASE_MAX:
            if not name:            # one very long word: cut it
                name = part[:BASE_MAX]
            break
        name = longer
    return name


def _fallback_base(organization: Optional[str], day) -> str:
    prefix = _NOT_NAME.sub("-", (organization or "dataset").lower()).strip("-") or "dataset"
    stamp = day.strftime("%Y%m%d")
    return f"{prefix[:MAX_LENGTH - len(stamp) - 6]}-{stamp}"


def propose(title: Any, organization: Optional[str], *, day,
            taken: Callable[[str], set[str]]) -> dict[str, str]:
    """``{"name", "rule"}`` for a title (``rule``: "romanized" or "fallback").

    ``taken(base)`` returns the names in use among ``base`` and ``base-*``.
    """
    base = romanized(title)
    if len(base) >= MIN_LENGTH:
        used = taken(base)
        if base not in used:
            return {"name": base, "rule": "romanized"}
        n = 2
        rule = "romanized"
    else:
        base = _fallback_base(organization, day)
        used = taken(base)
        n = 1
        rule = "fallback"
    while f"{base}-{n}" in used:
        n += 1
    return {"name": f"{base}-{n}", "rule": rule}


def names_in_use(base: str, exclude_id: Optional[str] = None) -> set[str]:
    """The dataset names (any state) equal to ``base`` or starting ``base-``,
    except the dataset ``exclude_id``."""
    from ckan import model

    escaped = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = model.Session.query(model.Package.name).filter(
        (model.Package.name == base) | model.Package.name.like(escaped + "-%", escape="\\"))
    if exclude_id:
        query = query.filter(model.Package.id != exclude_id)
    return {row[0] for row in query}


def organization_name(owner_org: Any) -> Optional[str]:
    """The URL name of the organization given by id or name, if it exists."""
    if not isinstance(owner_org, str) or not owner_org.strip():
        return None
    from ckan import model

    group = model.Group.get(owner_org.strip())
    return group.name if group is not None and group.is_organization else None


def propose_for(title: Any, owner_org: Any, exclude_id: Optional[str] = None) -> dict[str, str]:
    return propose(title, organization_name(owner_org), day=site.today(),
                   taken=lambda base: names_in_use(base, exclude_id))


def rule_message(example: str) -> str:
    return tk._("A URL name uses only lower-case English letters a-z, digits 0-9 and "
                "- or _, 2 to 100 characters, e.g. {example}. Leave it blank and one "
                "is made from the title.").format(example=example)


# --- the name field's validator ----------------------------------------------------

def _raw(data: dict, name: str) -> Any:
    value = data.get((name,))
    return None if value is tk.missing else value


def opdc_kpi_dataset_name(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """The ``name`` field: made from the title when a new dataset has none;
    otherwise it must follow CKAN's rule, said with an example."""
    value = data.get(key)
    blank = value is tk.missing or value is None or (isinstance(value, str) and not value.strip())
    package = context.get("package")
    own_id = getattr(package, "id", None) or _raw(data, "id")
    if blank and package is None:
        data[key] = propose_for(_raw(data, "title"), _raw(data, "owner_org"),
                                own_id if isinstance(own_id, str) else None)["name"]
        return
    example = romanized(_raw(data, "title")) or EXAMPLE
    if len(example) < MIN_LENGTH:
        example = EXAMPLE
    if blank:
        errors[key].append(tk._("Give the dataset a URL name.") + " " + rule_message(example))
        raise tk.StopOnError
    if not isinstance(value, str) or not NAME_RULE.fullmatch(value):
        errors[key].append(rule_message(example))
        raise tk.StopOnError
    in_use = names_in_use(value, own_id if isinstance(own_id, str) else None)
    if value in in_use:
        free = propose(value, None, day=site.today(), taken=lambda base: in_use)["name"]
        errors[key].append(tk._("The URL name {name} is already used by another dataset, "
                                "e.g. use {free}.").format(name=value, free=free))
        raise tk.StopOnError


# --- the form's preview ------------------------------------------------------------

def _schema() -> dict[str, list]:
    v = tk.get_validator
    return {
        "title": [v("ignore_missing"), v("unicode_safe")],
        "owner_org": [v("ignore_missing"), v("unicode_safe")],
        "id": [v("ignore_missing"), v("unicode_safe")],
        "__extras": [reject_unknown],
        "__junk": [reject_unknown],
    }


@tk.side_effect_free
def opdc_kpi_dataset_name_propose(context: dict, data_dict: dict[str, Any]) -> dict[str, str]:
    """The URL name a dataset with this title gets when it is saved without
    one (the form shows it as it is typed). Nothing is saved.

    :param title: the title as typed
    :type title: string
    :param owner_org: the organization (id or name) the dataset is for
    :type owner_org: string
    :param id: the dataset being edited, if it exists (its own name is not "in use")
    :type id: string
    :returns: ``name`` and ``rule`` ("romanized": from the title; "fallback":
        ``<organization>-<yyyymmdd>-<n>``)
    :rtype: dict
    """
    data = validate(data_dict, _schema(), context)
    tk.check_access("opdc_kpi_dataset_name_propose", context, data)
    return propose_for(data.get("title"), data.get("owner_org"), data.get("id"))
