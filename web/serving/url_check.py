"""Refuse a URL holding a NUL byte (``%00``) with 400 before anything else reads it.

No page, export or API query has any use for a NUL, and PostgreSQL refuses one in a string
(``A string literal cannot contain NUL``), which surfaced as an HTTP 500. Checked first of
all the request hooks, ahead of sign-in, the cache and the database session.
"""

from __future__ import annotations

import flask

_FORM_BYTES = 64 * 1024  # far above any sign-in form
MESSAGE = "This address or form holds a NUL character (%00), which no cspdash page accepts. Check the link."


def _holds_nul(request: flask.Request) -> bool:
    if "\x00" in request.path or b"\x00" in request.query_string or b"%00" in request.query_string:
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.args.lists()):
        return True
    # A sign-in form with a NUL in the name reached PostgreSQL the same way.
    # Only a form small enough to be a sign-in form is read here: a larger body is left unread
    # for the body cap to refuse (413), as every anonymous body is.
    small = request.content_length is not None and request.content_length <= _FORM_BYTES
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded" and small:
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.form.lists())
    return False


def refuse_nul() -> flask.Response | None:
    if _holds_nul(flask.request):
        return flask.Response(MESSAGE + "\n", status=400, mimetype="text/plain")
    return None


def install_url_check(server: flask.Flask) -> None:
    """Make ``refuse_nul`` the first before-request hook, whenever it is installed."""
    server.before_request_funcs.setdefault(None, []).insert(0, refuse_nul)


__all__ = ["install_url_check", "refuse_nul"]
