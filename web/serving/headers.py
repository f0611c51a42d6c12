"""Security headers on every response.

* Content-Security-Policy: scripts only from this server, plus the exact inline scripts Dash
  itself writes (allowed by their SHA-256 hashes, as Dash documents) and, on embed pages,
  the chart's script carrying this response's nonce; never 'unsafe-inline' for scripts.
  Plotly sets inline styles, so styles may be inline.
* frame-ancestors: ``/embed/…`` views may be framed by the origins in CSPDASH_EMBED_ORIGINS
  and nothing else; every other page never (also X-Frame-Options: DENY for old browsers).
* X-Content-Type-Options, Referrer-Policy, and HSTS when cookies are secure (HTTPS only).
* No Server header from the app (gunicorn's names no version).
"""

from __future__ import annotations

import re
import secrets

import flask
from dash import Dash

from settings import Settings

EMBED_PREFIX = "/embed/"
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """A fresh nonce for this response's own inline scripts (embed pages' charts)."""
    if "cspdash_nonce" not in flask.g:
        flask.g.cspdash_nonce = secrets.token_urlsafe(18)
    return flask.g.cspdash_nonce


def content_security_policy(script_hashes: list[str], nonce: str | None, frame_ancestors: str) -> str:
    scripts = " ".join(["'self'", *script_hashes, *([f"'nonce-{nonce}'"] if nonce else [])])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def install_security_headers(app: Dash, settings: Settings) -> None:
    embed_ancestors = " ".join(settings.embed_origins) or "'none'"
    hashes: list[str] = []

    def dash_hashes() -> list[str]:
        # Dash's inline scripts (the renderer and clientside callbacks) are fixed once the
        # first request has registered every page's callbacks.
        if not hashes:
            hashes.extend(app.csp_hashes())
        return hashes

    @app.server.after_request
    def add_headers(response: flask.Response) -> flask.Response:
        embed = flask.request.path.startswith(EMBED_PREFIX)
        nonce = flask.g.get("cspdash_nonce")
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(
            dash_hashes() if response.mimetype == "text/html" else [], nonce, embed_ancestors if embed else "'none'"
        )
        if not embed:
            headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if settings.secure_cookies:
            headers["Strict-Transport-Security"] = HSTS
        headers.pop("Server", None)
        return response


def with_nonce(html: str) -> str:
    """Mark the ``<script>`` tags of ``html`` (made by our own code, e.g. plotly's to_html)
    with this response's nonce, so the Content-Security-Policy lets exactly them run. Scripts
    loaded from this server (``src=``) need none."""
    return _INLINE_SCRIPT.sub(f'<script nonce="{csp_nonce()}"', html)


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)")
