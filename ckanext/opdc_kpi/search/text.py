"""Text as the search table stores and compares it."""
from __future__ import annotations

import re

from ckanext.opdc_kpi.scoring.text import normalize_text

_SPACES = re.compile(r"\s+")


def normalize_for_search(value: object) -> str:
    """The extension's stored form of text (``normalize_text``: NFC, a split
    SARA AM joined, as legacy Thai data types it), case-folded, with single
    spaces. Indexed text and query terms both go through it."""
    return _SPACES.sub(" ", normalize_text(value).casefold()).strip()
