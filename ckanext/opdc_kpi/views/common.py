"""What every page of the extension needs: the caller's action context, the
organization of the URL (404 when the caller may not see it), and the answer
to a caller who may not see a page (the login page when not logged in)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def context() -> dict[str, Any]:
    """A new action context for the logged-in user (anonymous: "")."""
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def organization_or_404(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("organization_show")(
            context(), {"id": id, "include_datasets": False, "include_users": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Organization not found"))


def login_or_403(message: str):
    """The login page (coming back here) for anonymous callers, else 403."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.full_path)
    return tk.abort(403, message)


def require(action: str, org_id: str, login_message: str, forbidden_message: str) -> None:
    """Abort unless the caller passes ``action``'s auth for the organization:
    401 when not logged in, else 403."""
    try:
        tk.check_access(action, context(), {"id": org_id})
    except tk.NotAuthorized:
        if not tk.current_user.is_authenticated:
            tk.abort(401, login_message)
        tk.abort(403, forbidden_message)
