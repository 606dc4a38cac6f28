"""The focus-area tag vocabulary ``opdc_focus_areas``.

A dataset's focus area is stored as a tag of this vocabulary, so search can
filter and facet on it, and exposed by ``package_show`` as the plain string
``focus_area``. The vocabulary and its ten tags are created by the Alembic
migration ``d5e6f7a80001`` (``ckan db upgrade -p opdc_kpi``); validation only
looks them up and never writes.
"""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.opdc_kpi.scoring import standard

FOCUS_VOCABULARY = "opdc_focus_areas"


def focus_codes() -> tuple[str, ...]:
    """The 10 focus area codes, in the seed's order."""
    return tuple(standard.FOCUS_AREA_CODES)


_KNOWN_ID: dict[str, str] = {}


def _focus_vocabulary() -> model.Vocabulary | None:
    """The vocabulary row. Its id is remembered: a primary-key lookup is
    answered from the session's identity map, where ``Vocabulary.get`` by
    name queries the database each time (several times per dataset save)."""
    known = _KNOWN_ID.get(FOCUS_VOCABULARY)
    if known is not None:
        vocab = model.Session.get(model.Vocabulary, known)
        if vocab is not None and vocab.name == FOCUS_VOCABULARY:
            return vocab
    vocab = model.Vocabulary.get(FOCUS_VOCABULARY)
    if vocab is not None:
        _KNOWN_ID[FOCUS_VOCABULARY] = vocab.id
    return vocab


def focus_vocabulary_id() -> str | None:
    """The vocabulary's id, or None when it does not exist (yet)."""
    vocab = _focus_vocabulary()
    return vocab.id if vocab is not None else None


def focus_area_of(pkg_dict: dict[str, Any], vocab_id: str | None) -> str | None:
    """The focus area code among a package dict's tags, or None."""
    if not vocab_id:
        return None
    for tag in pkg_dict.get("tags") or []:
        if isinstance(tag, dict) and tag.get("vocabulary_id") == vocab_id:
            return tag.get("name")
    return None


def expose_focus_area(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``after_dataset_show``: add ``focus_area`` (a string) from the tags.

    The vocabulary tag stays in ``tags`` (the search index turns it into the
    ``vocab_opdc_focus_areas`` facet); the edit form leaves it out of the
    keywords (see the ``opdc_kpi_tag_string`` form snippet) and the save
    replaces it with the submitted ``focus_area``.
    """
    code = focus_area_of(pkg_dict, focus_vocabulary_id())
    if code:
        pkg_dict["focus_area"] = code
    return pkg_dict
