"""What every page of the extension needs: the caller's action context, the
organization of the URL (404 when the caller may not see it), the answer
to a caller who may not see a page (the login page when not logged in), the
answer to input an action refuses (a 4xx page, never a 500), and a CSRF
check that no earlier request can switch off."""
from __future__ import annotations

from typing import Any

from flask import current_app, g

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search.common import SearchError, SolrConnectionError


def context() -> dict[str, Any]:
    """A new action context for the logged-in user (anonymous: "")."""
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _organization_show(id: str, count: bool) -> dict[str, Any]:
    return tk.get_action("organization_show")(context(), {
        "id": id, "include_datasets": False, "include_users": False,
        "include_dataset_count": count, "include_groups": count})


def organization_or_404(id: str) -> dict[str, Any]:
    """The organization as ``organization_show`` gives it. Its dataset count
    (and its groups' counts) come from the search index: with search
    unavailable (Solr down) the pages still answer, without the groups and
    with the count of its public active datasets read from the database."""
    try:
        try:
            return _organization_show(id, count=True)
        except (SearchError, SolrConnectionError):
            org = _organization_show(id, count=False)
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Organization not found"))
    org["package_count"] = model.Session.query(model.Package).filter_by(
        owner_org=org["id"], state="active", private=False).count()
    return org


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


def error_page(code: int, message: str, back_url: str = "", back_label: str = ""):
    """CKAN's error page with the reason, its title in the page's language and
    a way on (``back_url``, by default the catalog's home page): never a dead end."""
    names = {400: tk._("Bad Request"), 403: tk._("Forbidden"), 404: tk._("Not Found")}
    return tk.render("opdc_kpi/error_page.html", extra_vars={
        "code": code, "content": message, "name": names[code],
        "back_url": back_url or tk.h.url_for("home.index"),
        "back_label": back_label or tk._("Go to the catalog's home page"),
        "show_login_redirect_link": code == 403 and not tk.current_user.is_authenticated,
    }), code


def _validation_error(error: Exception):
    """Input an action refused (its messages are in the request's language)."""
    summary = getattr(error, "error_summary", None) or {}
    message = "; ".join(f"{field}: {text}" for field, text in summary.items())
    return error_page(400, message or tk._("The request's parameters are not valid"))


def _not_found(error: Exception):
    return error_page(404, str(error) or tk._("The page or record was not found"))


def _not_authorized(error: Exception):
    return error_page(403, str(error) or tk._("You are not allowed to do this"))


def _refuse_nul() -> Any:
    """A NUL character in the path, the query or the form is a 400 (the
    database refuses such text; a lookup with it would fail)."""
    request = tk.request
    values = [*(request.view_args or {}).values(), *request.args.keys(),
              *request.args.values()]
    if request.method == "POST":
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in str(value) for value in values):
        return error_page(400, tk._("Text must not contain NUL characters"))
    return None


def answer_action_errors(bp: Any) -> Any:
    """Every page of ``bp``: a POST from a logged-in session without its CSRF
    token is a 400 (``_check_csrf``); a NUL character in its input is a 400;
    an action's ValidationError a view did not catch is a 400 with the
    action's messages, NotFound a 404, NotAuthorized a 403."""
    bp.before_request(_check_csrf)
    bp.before_request(_refuse_nul)
    bp.register_error_handler(tk.ValidationError, _validation_error)
    bp.register_error_handler(tk.ObjectNotFound, _not_found)
    bp.register_error_handler(tk.NotAuthorized, _not_authorized)
    return bp


def _check_csrf() -> None:
    """A POST (PUT, PATCH, DELETE) of a user logged in by the session cookie
    carries a valid CSRF token, else a 400, whatever CKAN's own check let
    through.

    CKAN 2.12 exempts a view from Flask-WTF's check *for the whole process*
    once any request reaches it with an API token, or without a logged-in
    session (``ckan_before_request`` calls ``csrf.exempt(view)``); CKAN 2.11
    exempts every plugin's blueprint while
    ``ckan.csrf_protection.ignore_extensions`` is true (its default). Neither
    may open the extension's forms to a forged cookie POST. A request that
    authenticated with an API token (the browser never adds that header by
    itself) and an anonymous one (no one's rights to borrow) are left as
    CKAN answers them."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True) or g.get("csrf_valid"):
        return  # CSRF off for the site, or Flask-WTF checked this request
    if tk.request.method not in config.get("WTF_CSRF_METHODS", ("POST",)):
        return
    if not tk.current_user.is_authenticated or g.get("login_via_auth_header"):
        return
    current_app.extensions["csrf"].protect()
