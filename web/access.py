"""Who may do what: sessions, sign-in, roles, and the server-side checks that enforce them.

* Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax) keyed by CSPDASH_SECRET_KEY,
  or without it by a key made once and kept in the database (``web/serving/secret.py``), so
  every worker and restart accept them. A cookie carries the user's session version: signing
  out, a new password, a new role or being disabled bumps it, and older cookies are refused.
* Reading is public when ``Settings.public_read`` (the default, for the demo); otherwise every
  page and callback needs a signed-in user.
* Uploading data, editing targets and writing commentary need an analyst (or admin). This is
  enforced here, on the server, by the output ids of the Dash callback being requested: any
  callback writing to an ``upload-…`` or ``targets-…`` component is refused with 403 unless
  the session belongs to an analyst, however the request was made; and each write callback
  checks again itself (``requires_role``), so a route that reaches it another way cannot
  skip the check. Hiding buttons is only a courtesy.
* Only the endpoints this app uses accept anything but GET: Dash's optional ``/_mcp``
  endpoint is switched off, and any other POST/PUT/DELETE is refused before it is read.
* Bodies: who is asking is settled from the cookie before any body is read; anyone who may
  not upload (anonymous visitors and viewers) may send at most ``SMALL_REQUEST_BYTES``.
* Single sign-on: when ``Settings.sso_header`` (CSPDASH_SSO_HEADER) is set, that request
  header's value is trusted as the user name (an unknown name is a viewer; a disabled user is
  nobody). This is ONLY safe behind a reverse proxy that authenticates people and removes the
  header from every client request; exposed directly, anyone could send the header and be
  whoever they like.

Cross-site request forgery: callback POSTs carry JSON, which a foreign page cannot send
with cookies (SameSite=Lax, no CORS), and the sign-in form carries a per-session token.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import flask
from dash import Dash
from werkzeug.wrappers import Response as BaseResponse

from settings import Settings
from store.audit import record_refusal
from store.db import get_engine, reading, session_scope
from store.partnerships import (
    PartnershipError,
    choose_for_request,
    partnership_in_force,
    partnership_of,
    private_partnerships,
)
from store.users import ROLES, Principal, end_sessions, find_user, has_role, principal_for, principal_of
from web.addresses import (
    PartnershipAddresses,
    choose_partnership,
    here,
    redirect_old_address,
    refuse_unknown_partnership,
)

log = logging.getLogger(__name__)

# Output-id prefix → the role a callback writing there needs. Pages name their ids after
# themselves (house style), so one prefix covers every callback of a page.
PROTECTED_PREFIXES: dict[str, str] = {
    "upload-": "analyst", "targets-": "analyst", "baseline-": "analyst", "submit-": "analyst", "publish-": "lead", "users-": "admin",
    "alerts-": "viewer",
}  # fmt: skip
SESSION_LIFETIME = timedelta(hours=12)
# Callback requests carry uploads as base64 JSON; cap the body so one request can't exhaust memory.
MAX_REQUEST_BYTES = 100 * 1024 * 1024
# Anyone who may not upload sends small callback requests (a few kilobytes of choices).
SMALL_REQUEST_BYTES = 1024 * 1024
_RANK = {role: rank for rank, role in enumerate(ROLES)}
SESSION_USER = "user"
SESSION_VERSION = "sv"
ROLE_WORDS = {"analyst": "an analyst", "lead": "a lead", "admin": "an administrator", "viewer": "a user"}

# Files the browser needs before anyone signs in; they hold no data.
_STATIC_PREFIXES = ("_dash-component-suites/", "assets/", "_favicon.ico", "_reload-hash")
_OPEN_PATHS = ("login", "logout", "healthz")
# The only (local) paths that accept anything but GET/HEAD/OPTIONS.
_WRITE_PATHS = {"_dash-update-component": {"POST"}, "login": {"POST"}, "logout": {"POST"}}
_READ_METHODS = {"GET", "HEAD", "OPTIONS"}
# Set in the WSGI environ by the server's own warm-up (``web.serving.gunicorn_server.warm_up``),
# which opens pages in process before forking, as a signed-out reader would see them. A client
# cannot set it: a request's headers reach the environ only as ``HTTP_…`` keys.
WARM_UP_ENVIRON = "cspdash.warm_up"
F = TypeVar("F", bound=Callable[..., Any])


def install_access(app: Dash, settings: Settings) -> None:
    """Hook sign-in and role checks into the Flask server behind ``app``."""
    server = app.server
    server.config.update(
        SESSION_COOKIE_NAME="cspdash_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,  # on in production behind HTTPS
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )
    server.config.setdefault("MAX_CONTENT_LENGTH", MAX_REQUEST_BYTES)
    if server.config["MAX_CONTENT_LENGTH"] is None:
        server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    from web.login import register_login_routes

    prefix = app.config.routes_pathname_prefix
    register_login_routes(server, prefix)
    server.before_request(lambda: refuse_unknown_partnership(settings))
    server.before_request(lambda: _guard(prefix, settings))
    server.before_request(lambda: redirect_old_address(settings))
    # ``/p/<CODE>/…`` names the partnership: taken out of the path before Flask routes it.
    server.wsgi_app = PartnershipAddresses(server.wsgi_app)
    # First of all, what the store reads as the partnership in force (the address's, else the
    # app's setting); before the sign-in check an unknown one is a 404, and after it old
    # addresses are sent to their place under a partnership.
    server.before_request_funcs.setdefault(None, []).insert(0, lambda: choose_partnership(settings))
    server.teardown_request(lambda _error: choose_for_request(None))


def current_user() -> Principal | None:
    """The person making the current request, or None when nobody is signed in."""
    if "cspdash_user" not in flask.g:
        flask.g.cspdash_user = _resolve_user(flask.current_app.config["CSPDASH_SETTINGS"])
    return flask.g.cspdash_user


def request_partnership() -> str | None:
    """The partnership this request works on (the one in force); None when several are held and
    none is chosen, where nobody but an admin holds a role."""
    if "cspdash_partnership" not in flask.g:
        settings = flask.current_app.config["CSPDASH_SETTINGS"]
        try:
            with reading(get_engine(settings.database_url)) as session:
                flask.g.cspdash_partnership = partnership_in_force(session)
        except PartnershipError:
            flask.g.cspdash_partnership = None
    return flask.g.cspdash_partnership


def role_here(user: Principal) -> str:
    """The role ``user`` holds in the request's partnership, as pages name it ("analyst")."""
    return user.role_in(request_partnership()) or "no role in this partnership"


def can(role: str, partnership: str | None = None) -> bool:
    """Whether the caller holds ``role`` in ``partnership`` (None: the request's partnership)."""
    user = current_user()
    return user is not None and user.can(role, partnership or request_partnership())


def guard_write(role: str, area: str | None, action: str) -> str | None:
    """The first line of every callback that writes: refuse (403) unless the caller holds
    ``role`` in the partnership the write touches (the one ``area`` belongs to: a partnership's
    own area, else the request's partnership), and record the refusal in the change log, so a
    request forged against another partnership's indicator or quarter stores nothing and is
    traced to whoever sent it. Returns the partnership written to."""
    user = current_user()
    settings = flask.current_app.config["CSPDASH_SETTINGS"]
    with session_scope(get_engine(settings.database_url)) as session:
        try:
            partnership: str | None = partnership_of(session, area or "")
        except PartnershipError:
            partnership = None
        if user is not None and user.can(role, partnership):
            return partnership
        who = user.name if user else "anonymous"
        record_refusal(
            session, who, action, partnership, {"area": area, "needed": role, "held": user.role_in(partnership) if user else None}
        )
    log.warning("refused %s (%s) in partnership %s for %s", action, role, partnership, who)
    flask.abort(_refuse(403, f"Sign in as {ROLE_WORDS[role]} of this partnership to do this."))


def requires_role(role: str) -> Callable[[F], F]:
    """For every callback that writes: refuse (403) unless the caller has ``role``, checked
    inside the callback itself as well as by the request filter in ``_guard``."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not can(role):
                user = current_user()
                log.warning("refused %s callback %s for %s", role, func.__qualname__, user.name if user else "anonymous")
                flask.abort(_refuse(403, f"Sign in as {ROLE_WORDS[role]} to do this."))
            return func(*args, **kwargs)

        checked.cspdash_role = role  # type: ignore[attr-defined]  # found by the route test
        return checked  # type: ignore[return-value]

    return decorate


def sign_in(user: Principal) -> None:
    """Start a fresh session for ``user`` (a new cookie, so nothing from before carries over)."""
    flask.session.clear()
    flask.session.permanent = True
    flask.session[SESSION_USER] = user.name
    flask.session[SESSION_VERSION] = user.session_version
    flask.g.cspdash_user = user


def sign_out() -> None:
    """End this session and every other one the user has (a kept copy of the cookie too)."""
    name = flask.session.get(SESSION_USER)
    if name:
        settings = flask.current_app.config["CSPDASH_SETTINGS"]
        with session_scope(get_engine(settings.database_url)) as session:
            end_sessions(session, name)
    flask.session.clear()
    flask.g.cspdash_user = None


def sso_user_name(settings: Settings) -> str | None:
    if not settings.sso_header:
        return None
    return (flask.request.headers.get(settings.sso_header) or "").strip() or None


def login_url(next_path: str = "/") -> str:
    """The sign-in page, coming back to ``next_path`` under the request's partnership."""
    return f"/login?next={quote(here(next_path), safe='/')}"


def _resolve_user(settings: Settings) -> Principal | None:
    engine = get_engine(settings.database_url)
    sso_name = sso_user_name(settings)
    if sso_name:
        with reading(engine) as session:
            user = find_user(session, sso_name)
            if user is None:
                return Principal(sso_name, "viewer")  # known to the proxy, not to us: may read
            return principal_of(session, user) if user.active else None
    name = flask.session.get(SESSION_USER)
    if not name:
        return None
    with reading(engine) as session:
        principal = principal_for(session, name)
    if principal is None or principal.session_version != flask.session.get(SESSION_VERSION):
        flask.session.clear()  # deleted, disabled, signed out or changed since signing in
        return None
    return principal


def _guard(prefix: str, settings: Settings) -> BaseResponse | None:
    request = flask.request
    path = request.path
    local = path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/")
    if request.method not in _READ_METHODS and request.method not in _WRITE_PATHS.get(local, ()):
        return _refuse(405, "This address does not accept that request.")  # before reading any body
    if local.startswith("_mcp"):
        return _refuse(404, "Not found.")  # Dash's MCP endpoint, should it ever be switched on
    if request.method not in _READ_METHODS and not can("analyst"):
        request.max_content_length = SMALL_REQUEST_BYTES  # settled from the cookie, body unread
    if local.startswith(_STATIC_PREFIXES) or local in _OPEN_PATHS:
        return None
    private = _private_refusal(settings, local)
    if private is not None:
        return private
    if local == "_dash-update-component" and flask.request.method == "POST":
        return _check_callback(settings)
    if settings.public_read or current_user() is not None or _warming_up(local):
        return None
    if local.startswith(("_dash-", "api/")):  # fetched by a script (the page's, or an API client's)
        return _refuse(401, "Sign in to see the dashboard.")
    return flask.redirect(login_url(flask.request.full_path.rstrip("?")))


def _warming_up(local: str) -> bool:
    """The server's warm-up reading a page (GET only): with reading signed in only, the figures a
    signed-out reader would see are the ones viewers read (published quarters), so it fills the
    same caches; private partnerships are still refused it above."""
    return flask.request.method == "GET" and local.startswith("_dash-layout") and bool(flask.request.environ.get(WARM_UP_ENVIRON))


def _private_refusal(settings: Settings, local: str) -> BaseResponse | None:
    """A private partnership is read only by its members (and admins), whatever
    ``public_read`` says: a page, callback, download, embed or API call touching one (the
    request's partnership, or a partnership's code in its address or a callback's inputs) is
    refused to anyone else the way a signed-out reader is refused when public reading is off."""
    private = _private_codes(settings)
    if not private:
        return None
    touched = {code for code in private if code == request_partnership()}
    seen = flask.request.full_path
    if local == "_dash-update-component" and flask.request.method == "POST":
        body = flask.request.get_json(silent=True)
        if isinstance(body, dict):
            seen += json.dumps([body.get("inputs"), body.get("state")], default=str)
    touched |= {code for code in _AREA_CODE.findall(seen) if code in private}
    user = current_user()
    if not touched or (user is not None and all(user.member_of(code) for code in touched)):
        return None
    if user is not None:
        log.warning("refused private partnership %s to %s", ", ".join(sorted(touched)), user.name)
        return _refuse(403, "This partnership's figures are for its members only.")
    if local.startswith(("_dash-", "api/")) or flask.request.method not in _READ_METHODS:
        return _refuse(401, "Sign in to see the dashboard.")
    return flask.redirect(login_url(flask.request.full_path.rstrip("?")))


_AREA_CODE = re.compile(r"[EWSN]\d{8}")
# How long the list of private partnerships is kept between requests (it changes only when an
# administrator marks one): one small query every few seconds, not one per request.
PRIVATE_LIST_SECONDS = 5.0


def _private_codes(settings: Settings) -> frozenset[str]:
    kept = flask.current_app.extensions.setdefault("cspdash_private_partnerships", {})
    now = time.monotonic()
    if kept.get("until", 0.0) < now:
        with reading(get_engine(settings.database_url)) as session:
            kept["codes"] = private_partnerships(session)
        kept["until"] = now + PRIVATE_LIST_SECONDS
    return kept["codes"]


def _check_callback(settings: Settings) -> flask.Response | None:
    user = current_user()
    if user is None and not settings.public_read:
        return _refuse(403, "Sign in to see the dashboard.")  # refused unread
    body = flask.request.get_json(silent=True)  # Flask caches it, so Dash reads it again for free
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return _refuse(400, "This is not a well-formed dashboard request.")
    needed = required_role(body)
    if needed and (user is None or not user.can(needed, request_partnership())):
        log.warning("refused %s callback %r for %s", needed, body["output"][:200], user.name if user else "anonymous")
        if user is not None and _holds_elsewhere(user, needed):  # an attempt across partnerships: kept
            with session_scope(get_engine(settings.database_url)) as session:
                record_refusal(session, user.name, body["output"][:200], request_partnership(), {"needed": needed})
        return _refuse(403, f"Sign in as {ROLE_WORDS[needed]} to do this.")
    return None


def _holds_elsewhere(user: Principal, role: str) -> bool:
    """Holds ``role`` in some partnership, though not in the one this request works on."""
    return any(has_role(held, role) for _, held in user.grants or ())


def required_role(body: dict[str, Any]) -> str | None:
    """The strongest role any output of this callback request needs, or None if it's open."""
    needed: str | None = None
    for component_id in _output_ids(body):
        for prefix, role in PROTECTED_PREFIXES.items():
            if component_id.startswith(prefix) and (needed is None or _RANK[role] > _RANK[needed]):
                needed = role
    return needed


def _output_ids(body: dict[str, Any]) -> list[str]:
    """Every component id named in ``output`` (which Dash dispatches on) and ``outputs``."""
    ids: list[str] = []
    output = body.get("output", "")
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    for part in parts:
        ids.append(part.rsplit(".", 1)[0].replace("\\.", "."))
    outputs = body.get("outputs")
    for item in outputs if isinstance(outputs, list) else [outputs]:
        if isinstance(item, dict):
            ids.append(_id_text(item.get("id")))
    # Pattern-matching ids are JSON objects: any of their string values counts, so
    # {"type": "upload-row", …} is protected like "upload-row".
    expanded: list[str] = []
    for text in ids:
        expanded.append(text)
        if text.startswith("{"):
            try:
                expanded += [v for v in json.loads(text).values() if isinstance(v, str)]
            except (ValueError, AttributeError):
                pass
    return expanded


def _id_text(component_id: object) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True)
    return str(component_id or "")


def _refuse(status: int, message: str) -> flask.Response:
    response = flask.jsonify({"message": message})
    response.status_code = status
    return response
