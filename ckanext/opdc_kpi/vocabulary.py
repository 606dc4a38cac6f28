"""The focus-area tag vocabulary ``opdc_focus_areas``.

A dataset's focus area is stored as a tag of this vocabulary, so search can
filter and facet on it, and exposed by ``package_show`` as the plain string
``focus_area``. The vocabulary is created when a dataset first needs it (and
again after a test's ``clean_db`` removed it), never at start-up: the database
may not exist yet then.
"""
from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from ckan import model

from ckanext.opdc_kpi.scoring import standard

log = logging.getLogger(__name__)

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


def ensure_focus_vocabulary() -> model.Vocabulary:
    """Return the vocabulary, creating it and any missing code tag first.

    Idempotent and safe against a concurrent creator: the rows are added in a
    savepoint and only flushed; they are committed with the caller's
    transaction (the dataset save that needed them).
    """
    vocab = _focus_vocabulary()
    if vocab is None:
        savepoint = model.Session.begin_nested()
        try:
            vocab = model.Vocabulary(FOCUS_VOCABULARY)
            model.Session.add(vocab)
            model.Session.flush()
            savepoint.commit()
        except sqlalchemy.exc.IntegrityError:
            savepoint.rollback()
            vocab = model.Vocabulary.get(FOCUS_VOCABULARY)
            if vocab is None:
                raise
    present = {tag.name for tag in vocab.tags}
    missing = [code for code in focus_codes() if code not in present]
    if missing:
        savepoint = model.Session.begin_nested()
        try:
            for code in missing:
                model.Session.add(model.Tag(name=code, vocabulary_id=vocab.id))
            model.Session.flush()
            savepoint.commit()
        except sqlalchemy.exc.IntegrityError:
            savepoint.rollback()
        log.debug("focus vocabulary: added tags %s", missing)
    return vocab


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
