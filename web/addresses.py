"""Addresses that carry the partnership (issue 23): ``/p/E09000016/indicator/HO1`` and
``/api/v1/p/E09000016/scorecard``.

The partnership named in a request's address is the partnership in force for that request:
its reads, its writes and the role check of each write. ``PartnershipAddresses`` (WSGI, in
front of Flask) takes the ``/p/<CODE>`` out of the path before anything routes it, so every
page, download, embed and API route is written once, at its plain path:

* a page address moves into the script root (``SCRIPT_NAME``), the WSGI way of saying "this
  application is mounted at /p/CODE": Flask's ``request.path`` is the page's own path and
  ``request.script_root`` is ``/p/CODE``; the Dash renderer is told to send its layout and
  callback requests under the same root (``app.py``), so a callback acts for the page's
  partnership, and a callback forged for another partnership is checked against the role held
  there;
* an API address keeps ``/api/v1`` and loses the ``/p/<CODE>`` after it.

Today's addresses (``/``, ``/indicator/HO1?…``, ``/export/…``, ``/embed/…``, ``/api/v1/…``)
keep working: they are redirected to the same address under the partnership the deployment
would have worked on before (the ``CSPDASH_PARTNERSHIP`` setting, else the only one held). With
several held and none set, a page goes to the list of partnerships and an API call is answered
with an error naming the ``/api/v1/p/<CODE>/`` form. Requests that are the same for every
partnership (scripts, styles, sign-in, the health check, the list of partnerships, the API's
description) and the callbacks of a page loaded at an old address are served where they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import flask
from dash import Dash
from werkzeug.wrappers import Response as BaseResponse

from settings import Settings
from store.db import get_engine, reading
from store.partnerships import choose_for_request, held_codes

# Where the partnership named in the address is kept in the WSGI environ.
ENVIRON_KEY = "cspdash.partnership"
API_PREFIX = "/api/v1"
_PAGE_ADDRESS = re.compile(r"^/p/([^/]*)(/.*)?$", re.S)  # re.S: a path may hold an encoded line break
_API_ADDRESS = re.compile(r"^/api/v1/p/([^/]*)(/.*)?$", re.S)
# What a path in a redirect's Location may keep unencoded (RFC 3986 path characters).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
# Served at the plain path whatever the partnership: they hold nothing of one partnership, or
# (callbacks, the layout) belong to a page already loaded at an old address, which must go on
# working until it is reloaded.
_SHARED_PREFIXES = (
    "/_dash-", "/assets/", "/_favicon.ico", "/_reload-hash", "/login", "/logout", "/healthz", "/partnerships",
    "/api/v1/openapi.json", "/embed/plotly-",
)  # fmt: skip
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PartnershipAddresses:
    """WSGI middleware: ``/p/<CODE>/rest`` is served as ``/rest`` with ``/p/<CODE>`` as its
    script root, ``/api/v1/p/<CODE>/rest`` as ``/api/v1/rest``; the code is kept in the environ."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or ""
        if match := _PAGE_ADDRESS.match(path):
            code, rest = match.group(1), match.group(2) or "/"
            environ[ENVIRON_KEY] = code
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + f"/p/{code}"
            environ["PATH_INFO"] = rest
        elif match := _API_ADDRESS.match(path):
            environ[ENVIRON_KEY] = match.group(1)
            environ["PATH_INFO"] = API_PREFIX + (match.group(2) or "")
        return self.app(environ, start_response)


class PartnershipDash(Dash):
    """The Dash app, told per request where its page is mounted: a page at ``/p/CODE/…`` has
    the renderer send its layout, dependency and callback requests under ``/p/CODE/`` (so each
    callback is served for that partnership), and page routing reads the page's path without
    the ``/p/CODE``. Both lean on Dash's own prefix (``requests_pathname_prefix``), which Dash
    fixes for the app's life; only the copy sent to the browser and the path routing see the
    request's. Should a Dash upgrade rename ``_config``, pages would send callbacks to the
    plain path, which is served for the setting's partnership, and the tests of addresses fail."""

    def _config(self) -> dict[str, Any]:
        config: dict[str, Any] = super()._config()
        if flask.has_request_context() and flask.request.script_root:
            config["requests_pathname_prefix"] = flask.request.script_root + self.config.requests_pathname_prefix
        return config

    def strip_relative_path(self, path: str) -> str | None:
        if path is not None and (match := _PAGE_ADDRESS.match(path)):
            path = match.group(2) or "/"
        return super().strip_relative_path(path)


def address_partnership() -> str | None:
    """The partnership the current request's address names, if it names one."""
    if not flask.has_request_context():
        return None
    return flask.request.environ.get(ENVIRON_KEY)


def here(path: str) -> str:
    """``path`` (``/indicator/HO1?…``) under the current request's partnership, as links inside
    a page must be written so that following them keeps the partnership."""
    code = address_partnership()
    if code is None or not path.startswith("/") or path.startswith(("//", "/p/", "/login", "/logout")):
        return path
    return f"/p/{code}{path}"


def partnership_href(code: str, path: str = "/") -> str:
    """``path`` under partnership ``code``: a link from one partnership (or the list) to another."""
    return f"/p/{quote(code, safe='')}{path}"


def held_partnerships(settings: Settings) -> list[str]:
    """The partnerships an address may name: those held, or with none held yet the home area
    (the partnership a one-area deployment works on until its first per-partnership row)."""
    if "cspdash_held_partnerships" not in flask.g:
        with reading(get_engine(settings.database_url)) as session:
            flask.g.cspdash_held_partnerships = held_codes(session) or [settings.home_area]
    return flask.g.cspdash_held_partnerships


def choose_partnership(settings: Settings) -> None:
    """The first of the request hooks: the partnership in force is the one the address names,
    else the setting's (read from nothing: no database is touched before the request's session)."""
    code = address_partnership()
    choose_for_request(settings.partnership if code is None else code)


def refuse_unknown_partnership(settings: Settings) -> BaseResponse | None:
    """Before the sign-in check: an address naming a partnership not held is a 404."""
    code = address_partnership()
    if code is None or code in held_partnerships(settings):
        return None
    return _unknown(code)


def redirect_old_address(settings: Settings) -> BaseResponse | None:
    """After the sign-in check: an old address of a page, download, embed or API call is sent
    to its place under a partnership (a reader refused there is refused here, as before)."""
    request = flask.request
    if address_partnership() is not None or request.method not in ("GET", "HEAD"):
        return None
    if request.path.startswith(_SHARED_PREFIXES):
        return None
    return _moved(settings)


def _moved(settings: Settings) -> BaseResponse:
    request = flask.request
    held = held_partnerships(settings)
    target = settings.partnership if settings.partnership in held else (held[0] if len(held) == 1 else None)
    api = request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")
    asked = quote(request.path, safe=_PATH_SAFE)  # re-encoded: a decoded line break must not reach a header
    query = f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
    if target is None:
        if api:
            return _api_error(
                404,
                f"This deployment serves {len(held)} partnerships ({', '.join(held)}): ask for "
                f"{API_PREFIX}/p/<CODE>{asked[len(API_PREFIX) :]}, naming one of them.",
            )
        return flask.redirect("/partnerships", 302)
    path = f"{API_PREFIX}/p/{target}{asked[len(API_PREFIX) :]}" if api else partnership_href(target, asked)
    return flask.redirect(path + query, 302)


def _unknown(code: str) -> BaseResponse:
    request = flask.request
    if request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX:
        return _api_error(404, f"No partnership {code!r} is served here. The list is at /partnerships.")
    if request.path == "/_dash-update-component" or request.method not in ("GET", "HEAD"):
        response = flask.jsonify({"message": f"No partnership {code!r} is served here."})
        response.status_code = 404
        return response
    return flask.Response(_not_found_page(code), status=404, mimetype="text/html")


def _api_error(status: int, message: str) -> flask.Response:
    from web.api.routes import error

    return error(status, message)


def _not_found_page(code: str) -> str:
    from markupsafe import escape

    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>No such partnership – cspdash</title>"
        '<link rel="stylesheet" href="/assets/cspdash.css"></head><body><main id="main" class="app-main">'
        "<h1>No such partnership</h1>"
        f"<p>This dashboard does not serve a partnership with the code {escape(code)}. "
        "The address may be mistyped, or the partnership no longer served here.</p>"
        '<p><a href="/partnerships">See the partnerships served here</a></p></main></body></html>'
    )


__all__ = [
    "ENVIRON_KEY",
    "PartnershipAddresses",
    "PartnershipDash",
    "address_partnership",
    "choose_partnership",
    "held_partnerships",
    "here",
    "partnership_href",
    "redirect_old_address",
    "refuse_unknown_partnership",
]
