"""The sign-in form (/login) and sign-out (/logout): plain HTML served by Flask, so signing in
works with any browser, keyboard or screen reader and without JavaScript.

Also the "Signed in as …" line the analyst pages show.

Failed sign-ins are throttled per user name and per address (``store/throttle.py``); the
page says when to try again, in the same words whether or not the name exists.
"""

from __future__ import annotations

import hmac
import logging
import math
import secrets
from urllib.parse import urlsplit

import flask
from dash import html
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as BaseResponse

from store import throttle
from store.db import get_engine, session_scope
from store.users import authenticate
from web import access

log = logging.getLogger(__name__)
CSRF_KEY = "login_csrf"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Community Safety Partnership performance</title>
<link rel="stylesheet" href="/assets/cspdash.css">
<link rel="stylesheet" href="/assets/forms.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="app-header"><div class="app-header__inner width-container">
<a class="app-header__service" href="/">Community Safety Partnership performance</a>
</div></header>
<main id="main" class="width-container app-main" tabindex="-1"><div class="login">
<h1>{title}</h1>
{body}
<p><a href="/">Back to the dashboard</a></p>
</div></main>
</body>
</html>"""

_FORM = """{error}
<form method="post" action="/login" novalidate>
  <input type="hidden" name="csrf_token" value="{csrf}">
  <input type="hidden" name="next" value="{next}">
  <div class="field">
    <label class="field__label" for="login-name">User name</label>
    <input class="field__input" id="login-name" name="name" type="text" autocomplete="username"
           autocapitalize="none" spellcheck="false" required autofocus value="{name}"{described}>
  </div>
  <div class="field">
    <label class="field__label" for="login-password">Password</label>
    <input class="field__input" id="login-password" name="password" type="password"
           autocomplete="current-password" required{described}>
  </div>
  <button class="button" type="submit">Sign in</button>
</form>"""


def register_login_routes(server: flask.Flask, prefix: str = "/") -> None:
    server.add_url_rule(f"{prefix}login", "cspdash_login", _login, methods=["GET", "POST"])
    # Only a POST signs out (it ends the session on every device); a GET, which a link on
    # another site could make with our cookie, just asks. The Lax session cookie is not sent
    # with another site's POST, so a forged form cannot sign anyone out either.
    server.add_url_rule(f"{prefix}logout", "cspdash_logout", _logout, methods=["GET", "POST"])


def _login() -> BaseResponse | str | tuple[str, int]:
    sso_name = access.sso_user_name(flask.current_app.config["CSPDASH_SETTINGS"])
    if sso_name:
        body = Markup("<p>You are signed in as <strong>{}</strong> through your organisation's single sign-on.</p>").format(
            sso_name
        )
        return _page("Signed in", body)
    next_path = safe_next(flask.request.values.get("next"))
    if flask.request.method == "GET":
        user = access.current_user()
        if user is not None:
            return _page("Signed in", _signed_in(user.name, user.role, next_path))
        return _page("Sign in", _form(next_path))
    name = (flask.request.form.get("name") or "").strip()
    password = flask.request.form.get("password") or ""
    expected = flask.session.get(CSRF_KEY, "")
    if not expected or not hmac.compare_digest(expected, flask.request.form.get("csrf_token", "")):
        return _page("Sign in", _form(next_path, name, "This sign-in form has expired. Please try again.")), 400
    engine = get_engine(flask.current_app.config["CSPDASH_SETTINGS"].database_url)
    keys = [throttle.user_key(name), throttle.address_key(flask.request.remote_addr)]
    # Reserve the attempt first (atomically counted as a failure), then check the password:
    # a burst of simultaneous attempts cannot all pass the throttle (store/throttle.py).
    with session_scope(engine) as session:
        verdict = throttle.reserve(session, keys)
    if not verdict.allowed:
        log.warning("throttled sign-in for %r from %s", name[:100], flask.request.remote_addr)
        return _page("Sign in", _form(next_path, name, throttled_message(verdict))), 429
    with session_scope(engine) as session:
        user = authenticate(session, name, password) if name and password else None
    if user is None:
        log.warning("failed sign-in for %r from %s", name[:100], flask.request.remote_addr)
        with session_scope(engine) as session:
            throttle.forget_stale(session, keys)
        return _page(
            "Sign in", _form(next_path, name, "The user name or password is not right, or the account is disabled.")
        ), 401
    with session_scope(engine) as session:
        throttle.record_success(session, keys[0], keys[1])
    access.sign_in(user)
    log.info("%s signed in", user.name)
    return flask.redirect(next_path)


def _logout() -> BaseResponse | str:
    if flask.request.method == "GET":
        user = access.current_user()
        if user is None:
            return _page("Signed out", Markup('<p>You are not signed in.</p><p><a href="/">Continue</a></p>'))
        return _page(
            "Sign out",
            Markup(
                "<p>Signing out ends your session on every device where <strong>{name}</strong> is signed in.</p>"
                '<form method="post" action="/logout"><button class="button" type="submit">Sign out</button></form>'
                '<p><a href="/">Stay signed in</a></p>'
            ).format(name=user.name),
        )
    access.sign_out()
    return flask.redirect("/")


def throttled_message(verdict: throttle.Verdict) -> str:
    # Rounded up: told "1 second" with 1.4 s to go, a person would be refused again.
    seconds = max(1, math.ceil(verdict.wait.total_seconds()))
    wait = f"{-(-seconds // 60)} minutes" if seconds > 90 else ("1 second" if seconds == 1 else f"{seconds} seconds")
    text = f"There have been too many failed sign-ins. Please wait {wait} and try again."
    if verdict.locked:
        text += " An administrator can lift this lock sooner."
    return text


def _signed_in(name: str, role: str, next_path: str) -> Markup:
    return Markup(
        "<p>You are signed in as <strong>{name}</strong> ({role}).</p>"
        '<form method="post" action="/logout"><button class="button" type="submit">Sign out</button></form>'
        '<p><a href="{next}">Continue</a></p>'
    ).format(name=name, role=role, next=next_path)


def safe_next(value: str | None) -> str:
    """Only paths on this site, so /login?next=https://evil.example can't bounce people away."""
    if not value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _form(next_path: str, name: str = "", error: str = "") -> Markup:
    csrf = flask.session.get(CSRF_KEY) or secrets.token_urlsafe(32)
    flask.session[CSRF_KEY] = csrf
    error_html = (
        Markup('<div class="notice notice--error" id="login-error" role="alert"><p>{}</p></div>').format(error) if error else ""
    )
    described = ' aria-describedby="login-error" aria-invalid="true"' if error else ""
    return Markup(
        _FORM.format(error=error_html, csrf=escape(csrf), next=escape(next_path), name=escape(name), described=described)
    )


def _page(title: str, body: Markup) -> str:
    return _PAGE.format(title=escape(title), body=body)


def account_bar(next_path: str) -> html.P | html.Div:
    """ "Signed in as Priya (analyst) · Sign out", or a sign-in link; for the top of a page."""
    user = access.current_user()
    if user is None:
        return html.P(["Not signed in. ", html.A("Sign in", href=access.login_url(next_path))], className="account-bar")
    return html.Div(
        [
            html.Span(f"Signed in as {user.name} ({access.role_here(user)}). "),
            html.Form(html.Button("Sign out", type="submit", className="link-button"), action="/logout", method="post"),
        ],
        className="account-bar",
    )


def _role_words(role: str) -> str:
    """ "who is a viewer", "who is an analyst", "who holds no role in this partnership"."""
    if role.startswith("no "):
        return f"who holds {role}"
    return f"who is {'an' if role[:1] in 'aeiou' else 'a'} {role}"


def sign_in_prompt(action: str, next_path: str) -> html.Div:
    """What a page shows instead of its form when the visitor may not use it."""
    user = access.current_user()
    lead = f"You are signed in as {user.name}, {_role_words(access.role_here(user))}. " if user else ""
    return html.Div(
        [
            html.P([lead, html.A(f"Sign in as an analyst to {action}", href=access.login_url(next_path)), "."]),
        ],
        className="sign-in-prompt",
        role="note",
    )
