"""With CSPDASH_PUBLIC_READ=false, /healthz tells an anonymous caller only ok or not ok (same
HTTP status, so load balancers still work); the schema revision and reasons are for admins."""

from __future__ import annotations

from sqlalchemy import text

from store.schema import head_revision
from tests.conftest import add_web_user, make_web_app, web_sign_in


def test_health_private_anonymous_sees_only_ok_admin_sees_the_schema(engine, database_url: str) -> None:
    add_web_user(engine, "ada", "admin")
    add_web_user(engine, "vic", "viewer")
    app = make_web_app(database_url, CSPDASH_PUBLIC_READ="false")
    anonymous = app.server.test_client().get("/healthz")
    assert (anonymous.status_code, anonymous.get_json()) == (200, {"status": "ok"})
    viewer = app.server.test_client()
    assert web_sign_in(viewer, "vic").status_code == 302
    assert viewer.get("/healthz").get_json() == {"status": "ok"}
    admin = app.server.test_client()
    assert web_sign_in(admin, "ada").status_code == 302
    assert admin.get("/healthz").get_json() == {"status": "ok", "database": "ok", "schema": head_revision()}
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    behind = app.server.test_client().get("/healthz")
    assert (behind.status_code, behind.get_json()) == (503, {"status": "unavailable"})


def test_health_private_public_read_keeps_the_details(engine, database_url: str) -> None:
    response = make_web_app(database_url).server.test_client().get("/healthz")
    assert response.get_json() == {"status": "ok", "database": "ok", "schema": head_revision()}
