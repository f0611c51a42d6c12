"""Sign-in, roles and their enforcement on the server: an anonymous visitor cannot reach the
upload or edit callbacks even by posting to them directly, and nothing is stored."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from sqlalchemy import func, select

from store.db import session_scope
from store.models import ChangeLog, User
from store.users import UserError, add_user, authenticate, set_active
from tests.conftest import (
    WEB_PASSWORD,
    add_web_user,
    callback_body,
    make_web_app,
    table_counts,
    web_sign_in,
)
from web.access import required_role
from web.login import safe_next

MARAC_CSV = b"area_code,quarter,cases_discussed,repeat_cases\nE09000016,2017-18-Q1,50,12\n"


def data_url(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


def change_count(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(ChangeLog))


@pytest.fixture
def web(demo_engine, database_url):
    add_web_user(demo_engine, "priya", "analyst")
    add_web_user(demo_engine, "vic", "viewer")
    return make_web_app(database_url)


def _with_empty_lists(body: dict, lists: int) -> dict:
    """A callback's request with its pattern-matching (ALL) states, each an empty list."""
    return {**body, "state": body["state"] + [[] for _ in range(lists)]}


def write_requests(app) -> dict[str, dict]:
    """A well-formed request for every callback that writes, as the browser would send it."""
    editing = {"indicator": "CSP1", "year": "2016-17", "quarter": "Q3", "area": "E09000016"}
    target_state = {
        "targets-context.data": editing, "targets-target.value": "1", "targets-low.value": "", "targets-high.value": "",
        "targets-tolerance.value": "0", "targets-tolerance-type-value.data": "abs", "targets-scope-value.data": "all",
        "targets-commentary.value": "hacked", "targets-action.value": "", "targets-action-owner.value": "",
        "targets-action-due.value": "",
    }  # fmt: skip
    checked = {"kind": "marac", "file_name": "marac.csv", "sha256": hashlib.sha256(MARAC_CSV).hexdigest()}
    return {
        "upload check": callback_body(
            app, "upload-check.children",
            {"upload-file.contents": data_url(MARAC_CSV), "upload-kind-value.data": "marac"},
            {"upload-file.filename": "marac.csv"},
        ),
        "upload confirm": callback_body(
            app, "upload-history.children", {"upload-confirm.n_clicks": 1},
            {"upload-file.contents": data_url(MARAC_CSV), "upload-file.filename": "marac.csv", "upload-pending.data": checked,
             "upload-missing-choice.value": None,
             "upload-accept-drops.value": []},
        ),
        "upload kind hint": callback_body(app, "upload-kind-hint.children", {"upload-kind-value.data": "marac"}),
        # ... and the four lists of the actions listed (none: the browser sends each as an empty list)
        "targets save": _with_empty_lists(
            callback_body(app, "targets-message.children", {"targets-save.n_clicks": 1}, target_state), 4
        ),
    }  # fmt: skip


# ----- passwords and users -----------------------------------------------------------------


def test_access_password_is_stored_hashed_and_verifies(engine):
    with session_scope(engine) as session:
        add_user(session, "Priya", "a long passphrase", "analyst")
    with session_scope(engine) as session:
        stored = session.scalar(select(User.password_hash).where(User.name == "Priya"))
        assert stored != "a long passphrase" and "a long passphrase" not in stored
        assert stored.startswith("scrypt:")
        assert authenticate(session, "priya", "a long passphrase").role == "analyst"  # names match case-insensitively
        assert authenticate(session, "Priya", "a long passphrasE") is None
        assert authenticate(session, "nobody", "a long passphrase") is None


def test_access_the_service_hashes_passwords_at_werkzeugs_full_scrypt_cost():
    # Tests hash at a lower work factor (conftest.TEST_PASSWORD_METHOD); the service does not.
    import werkzeug.security

    import store.users

    service = werkzeug.security.generate_password_hash("a long passphrase", method=store.users.HASH_METHOD)
    assert service.startswith("scrypt:32768:8:1$")
    assert werkzeug.security.check_password_hash(service, "a long passphrase")


def test_access_disabled_user_cannot_authenticate(engine):
    with session_scope(engine) as session:
        add_user(session, "sam", "a long passphrase", "analyst")
        set_active(session, "sam", False)
    with session_scope(engine) as session:
        assert authenticate(session, "sam", "a long passphrase") is None


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("PRIYA", "a long passphrase", "viewer", "a user called 'PRIYA' already exists"),
        ("new user", "a long passphrase", "viewer", "a user name must be 1 to 100 characters with no spaces"),
        ("newbie", "short", "viewer", "the password must be at least 12 characters long"),
        ("newbie", "elevenchars", "viewer", "the password must be at least 12 characters long"),
        ("Newbie-Name-12", "newbie-name-12", "viewer", "the password must not be the user name"),
        ("newbie", "a long passphrase", "boss", "unknown role 'boss': choose one of viewer, analyst, lead, admin"),
    ],
)
def test_access_add_user_refuses(engine, name, password, role, message):
    with session_scope(engine) as session:
        add_user(session, "priya", "a long passphrase", "analyst")
    with pytest.raises(UserError) as caught, session_scope(engine) as session:
        add_user(session, name, password, role)
    assert str(caught.value) == message


# ----- signing in --------------------------------------------------------------------------


def test_access_login_form_is_labelled(web):
    page = web.server.test_client().get("/login").get_data(as_text=True)
    assert '<label class="field__label" for="login-name">User name</label>' in page
    assert '<label class="field__label" for="login-password">Password</label>' in page
    assert 'autocomplete="current-password"' in page and '<html lang="en">' in page


def test_access_login_success_sets_a_safe_session_cookie(web):
    client = web.server.test_client()
    response = web_sign_in(client, "priya", next_path="/upload")
    assert response.status_code == 302
    assert response.headers["Location"] == "/upload"
    cookie = response.headers["Set-Cookie"]
    assert "cspdash_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert WEB_PASSWORD not in cookie


@pytest.mark.parametrize(("name", "password"), [("priya", "wrong-password-1"), ("nobody", WEB_PASSWORD), ("", "")])
def test_access_login_failure_says_so_without_saying_which(web, name, password):
    client = web.server.test_client()
    response = web_sign_in(client, name, password)
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "The user name or password is not right, or the account is disabled." in page
    assert 'role="alert"' in page
    body = write_requests(web)["upload check"]
    assert client.post("/_dash-update-component", json=body).status_code == 403


def test_access_login_needs_the_forms_token(web):
    client = web.server.test_client()
    response = client.post("/login", data={"name": "priya", "password": WEB_PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400
    assert "This sign-in form has expired" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("/upload", "/upload"), ("/?period=2016-17-Q3", "/?period=2016-17-Q3"), ("https://evil.example/", "/"),
     ("//evil.example", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"), (None, "/")],
)  # fmt: skip
def test_access_login_next_stays_on_this_site(given, expected):
    assert safe_next(given) == expected


def test_access_logout_ends_the_session(web):
    client = web.server.test_client()
    web_sign_in(client, "priya")
    body = write_requests(web)["upload check"]
    assert client.post("/_dash-update-component", json=body).status_code == 200
    # A GET (what a link on another site could make) only asks; it does not sign out.
    confirm = client.get("/logout")
    assert confirm.status_code == 200 and b'<form method="post" action="/logout">' in confirm.data
    assert client.post("/_dash-update-component", json=body).status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.post("/_dash-update-component", json=body).status_code == 403


# ----- enforcement on the server -----------------------------------------------------------


@pytest.mark.parametrize("which", ["upload check", "upload confirm", "upload kind hint", "targets save"])
def test_access_anonymous_cannot_post_write_callbacks_directly(web, demo_engine, which):
    before, changes = table_counts(demo_engine), change_count(demo_engine)
    response = web.server.test_client().post("/_dash-update-component", json=write_requests(web)[which])
    assert response.status_code == 403
    assert response.get_json() == {"message": "Sign in as an analyst to do this."}
    assert table_counts(demo_engine) == before
    assert change_count(demo_engine) == changes


@pytest.mark.parametrize("which", ["upload confirm", "targets save"])
def test_access_viewer_cannot_post_write_callbacks_directly(web, demo_engine, which):
    client = web.server.test_client()
    assert web_sign_in(client, "vic").status_code == 302
    before = table_counts(demo_engine)
    assert client.post("/_dash-update-component", json=write_requests(web)[which]).status_code == 403
    assert table_counts(demo_engine) == before


def test_access_analyst_can_call_the_write_callbacks(web, demo_engine):
    client = web.server.test_client()
    web_sign_in(client, "priya")
    requests = write_requests(web)
    before = table_counts(demo_engine)
    check = client.post("/_dash-update-component", json=requests["upload check"])
    assert check.status_code == 200
    assert "marac.csv is ready to load" in check.get_data(as_text=True)
    assert table_counts(demo_engine) == before  # checking stores nothing
    confirm = client.post("/_dash-update-component", json=requests["upload confirm"])
    assert confirm.status_code == 200
    assert "Loaded marac.csv" in confirm.get_data(as_text=True)
    after = table_counts(demo_engine)
    assert (after["marac_return"], after["upload"]) == (before["marac_return"] + 1, before["upload"] + 1)
    saved = client.post("/_dash-update-component", json=requests["targets save"])
    assert saved.status_code == 200
    assert "Saved by priya at" in saved.get_data(as_text=True)


def test_access_disabling_a_user_takes_effect_at_once(web, demo_engine):
    client = web.server.test_client()
    web_sign_in(client, "priya")
    body = write_requests(web)["upload check"]
    assert client.post("/_dash-update-component", json=body).status_code == 200
    with session_scope(demo_engine) as session:
        set_active(session, "priya", False)
    assert client.post("/_dash-update-component", json=body).status_code == 403


def test_access_malformed_callback_request_is_refused(web):
    client = web.server.test_client()
    assert client.post("/_dash-update-component", data="not json", content_type="application/json").status_code == 400


@pytest.mark.parametrize(
    ("output", "outputs", "expected"),
    [
        ("upload-check.children", None, "analyst"),
        ("..scorecard-body.children...upload-x.data..", None, "analyst"),
        ("..targets-target.value@abc123...targets-low.value@abc123..", None, "analyst"),
        ('{"index":1,"type":"upload-row"}.children', None, "analyst"),
        ("scorecard-body.children", {"id": {"type": "targets-row", "index": 2}, "property": "children"}, "analyst"),
        ("users-table.children", None, "admin"),
        ("scorecard-body.children", {"id": "scorecard-body", "property": "children"}, None),
        ("_pages_content.children", None, None),
    ],
)
def test_access_required_role_reads_every_output_id(output, outputs, expected):
    assert required_role({"output": output, "outputs": outputs}) == expected


# ----- pages ---------------------------------------------------------------------------------


def _route(app, client, path: str) -> str:
    """Render a page through Dash Pages' own routing callback, as the browser does."""
    body = callback_body(app, "_pages_content.children", {"_pages_location.pathname": path, "_pages_location.search": ""})
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return json.dumps(response.get_json())  # un-escaped, so "/login?next=/upload" can be found


@pytest.mark.parametrize(("path", "prompt"), [("/upload", "upload data"), ("/targets", "edit targets and commentary")])
def test_access_pages_ask_anonymous_visitors_to_sign_in(web, path, prompt):
    page = _route(web, web.server.test_client(), path)
    assert f"Sign in as an analyst to {prompt}" in page
    assert f"/login?next={path}" in page
    assert "upload-file" not in page and "targets-save" not in page


def test_access_pages_tell_a_viewer_they_need_an_analyst(web):
    client = web.server.test_client()
    web_sign_in(client, "vic")
    page = _route(web, client, "/upload")
    assert "You are signed in as vic, who is a viewer." in page
    assert "upload-file" not in page


def test_access_pages_show_the_forms_to_an_analyst(web):
    client = web.server.test_client()
    web_sign_in(client, "priya")
    assert "upload-file" in _route(web, client, "/upload")
    assert "targets-save" in _route(web, client, "/targets")


# ----- private reading and single sign-on --------------------------------------------------------


def test_access_private_reading_needs_a_signed_in_user(demo_engine, database_url):
    add_web_user(demo_engine, "vic", "viewer")
    app = make_web_app(database_url, CSPDASH_PUBLIC_READ="false")
    client = app.server.test_client()
    response = client.get("/p/E09000016/?period=2016-17-Q3")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/p/E09000016/%3Fperiod%3D2016-17-Q3"
    assert client.get("/_dash-layout").status_code == 401
    body = callback_body(app, "_pages_content.children", {"_pages_location.pathname": "/", "_pages_location.search": ""})
    assert client.post("/_dash-update-component", json=body).status_code == 403
    assert client.get("/login").status_code == 200  # the way in stays open
    assert client.get("/_dash-component-suites/dash/dcc/dash_core_components.js").status_code in (
        200,
        404,
    )  # static, never redirected
    web_sign_in(client, "vic")
    assert client.get("/p/E09000016/").status_code == 200
    assert client.post("/_dash-update-component", json=body).status_code == 200


def test_access_sso_header_names_the_user(demo_engine, database_url):
    add_web_user(demo_engine, "priya", "analyst")
    app = make_web_app(database_url, CSPDASH_SSO_HEADER="X-Remote-User")
    client = app.server.test_client()
    body = write_requests(app)["upload check"]
    assert client.post("/_dash-update-component", json=body, headers={"X-Remote-User": "priya"}).status_code == 200
    # Known to the proxy but not to us: a viewer, so may read but not upload.
    assert client.post("/_dash-update-component", json=body, headers={"X-Remote-User": "stranger"}).status_code == 403
    assert client.post("/_dash-update-component", json=body).status_code == 403
    assert "signed in as <strong>priya</strong>" in client.get("/login", headers={"X-Remote-User": "priya"}).get_data(
        as_text=True
    )


def test_access_sso_header_is_ignored_when_not_configured(web):
    body = write_requests(web)["upload check"]
    response = web.server.test_client().post("/_dash-update-component", json=body, headers={"X-Remote-User": "priya"})
    assert response.status_code == 403


def test_access_without_a_secret_key_one_is_made_and_kept_in_the_database(engine, database_url):
    from store.app_secret import shared_secret

    first = make_web_app(database_url, CSPDASH_SECRET_KEY="")
    assert not first.server.secret_key  # building the app does not touch the database
    first.server.test_client().get("/login")
    key = first.server.secret_key
    assert key and len(key) >= 64 and key == shared_secret(engine)
    second = make_web_app(database_url, CSPDASH_SECRET_KEY="")  # another worker, or a restart
    second.server.test_client().get("/login")
    assert second.server.secret_key == key
    chosen = make_web_app(database_url, CSPDASH_SECRET_KEY="a-chosen-secret-" + "y" * 40)
    chosen.server.test_client().get("/login")
    assert chosen.server.secret_key == "a-chosen-secret-" + "y" * 40  # the setting wins
