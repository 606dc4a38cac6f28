"""Field error messages in the request's language (Thai or English)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opdc_kpi.scoring import messages


def request_language() -> str:
    """"th" or "en": the page's language, else the site default."""
    try:
        lang = tk.h.lang()
    except Exception:  # noqa: BLE001 - no request (CLI, background job, tests)
        lang = None
    if not lang:
        lang = tk.config.get("ckan.locale_default") or "th"
    return "th" if str(lang).lower().startswith("th") else "en"


def msg(code: str, **params: Any) -> str:
    """The message for a problem code, in the request's language."""
    return messages.message(code, request_language(), **params)
