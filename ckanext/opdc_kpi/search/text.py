"""Text as the search table stores and compares it."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# A split SARA AM (U+0E4D NIKHAHIT + U+0E32 SARA AA), as in legacy Thai data;
# a tone mark before the NIKHAHIT stays before the joined U+0E33.
_SPLIT_AM = re.compile("\u0e4d\u0e32")


def normalize_for_search(value: object) -> str:
    """Case-folded, NFC, joined SARA AM, single spaces."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _SPLIT_AM.sub("\u0e33", text)
    return _SPACES.sub(" ", text.casefold()).strip()
