"""Roles held per partnership (issue 23 part 1): an analyst of Havering is a viewer of Barking and
Dagenham, or nothing there; admins are admins everywhere. Every callback that writes checks the
role held in the partnership it touches: a request forged by an analyst (or lead) of Havering
against Barking's indicator or quarter is refused, stores nothing and is recorded. Flask test
client, real SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import select, text

from cli.main import cli
from store.audit import refusals
from store.db import session_scope
from store.models import PartnershipRole, User
from store.partnerships import add_partnership
from store.schema import alembic_config, upgrade
from store.users import add_user, principal_for, roles_held, set_role
from tests.conftest import WEB_PASSWORD, callback_body, make_dashboard_app, make_web_app, targets_save_body, web_sign_in
from tests.helpers import load, write
from web.parts import pack_text_form

HAVERING, BARKING = "E09000016", "E09000002"
Q3 = "2016-17-Q3"
INDICATORS = "code,name,goal,unit,polarity,basis,measure,rated\nK1,Calls for help,Safe,count,lower,quarter,values,true\n"
# What a forged write could change: every row a partnership owns and every publishing record.
OWNED = (
    "indicator", "target", "annual_target", "indicator_value", "commentary", "corrective_action", "series_annotation",
    "pack_section", "quarter_state", "published_version", "published_file", "upload", "marac_return", "partnership_role",
)  # fmt: skip


def _stored(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {t: sorted(map(repr, conn.execute(text(f"SELECT * FROM {t}")))) for t in OWNED}  # type: ignore[misc]


def _with_barking(engine, tmp_path) -> None:
    """Havering's analyst and lead (added while Havering is the only partnership), then Barking
    and Dagenham with an indicator K1, its target and value for Q3."""
    with session_scope(engine) as session:
        add_user(session, "ana", WEB_PASSWORD, "analyst", by="test")
        add_user(session, "lena", WEB_PASSWORD, "lead", by="test")
        add_user(session, "root", WEB_PASSWORD, "admin", by="test")
        add_partnership(session, BARKING, "Barking and Dagenham CSP")
    load(engine, "indicators", write(tmp_path / "i.csv", INDICATORS), partnership=BARKING)
    load(engine, "targets", write(tmp_path / "t.csv", "code,year,quarter,target,tolerance,tolerance_type\nK1,2016-17,Q3,50,0,abs\n"),
         partnership=BARKING)  # fmt: skip
    load(
        engine,
        "values",
        write(tmp_path / "v.csv", f"indicator_code,area_code,period,value\nK1,{BARKING},{Q3},70\n"),
        partnership=BARKING,
    )
    with session_scope(engine) as session:
        set_role(session, "ana", "viewer", by="test", partnership=BARKING)


def test_roles_are_held_per_partnership_and_admins_everywhere(demo_engine, tmp_path):
    _with_barking(demo_engine, tmp_path)
    with session_scope(demo_engine) as session:
        ana, lena, root = (principal_for(session, n) for n in ("ana", "lena", "root"))
        assert ana is not None and lena is not None and root is not None
        # Roles held before the second partnership came are kept in the first, and only there.
        assert ana.grants == ((BARKING, "viewer"), (HAVERING, "analyst"))
        assert (ana.can("analyst", HAVERING), ana.can("analyst", BARKING), ana.can("viewer", BARKING)) == (True, False, True)
        assert (lena.can("lead", HAVERING), lena.role_in(BARKING), lena.member_of(BARKING)) == (True, None, False)
        assert root.can("admin", BARKING) and root.can("lead", HAVERING) and root.member_of(BARKING)
        with pytest.raises(ValueError, match="no partnership .E09000003. is held"):
            set_role(session, "lena", "analyst", partnership="E09000003")
        with pytest.raises(ValueError, match=r"2 partnerships are held \(E09000002, E09000016\): say which one"):
            set_role(session, "lena", "analyst")


def test_cli_users_grant_a_role_in_one_partnership(demo_engine, database_url, tmp_path):
    _with_barking(demo_engine, tmp_path)

    def run(*args: str):
        return CliRunner().invoke(cli, ["users", *args], env={"DATABASE_URL": database_url}, input=WEB_PASSWORD + "\n")

    result = run("set-role", "lena", "analyst", "--partnership", BARKING)
    assert result.exit_code == 0 and result.output == f"lena is now analyst of {BARKING}, lead of {HAVERING}.\n", result.output
    result = run("add", "bob", "--role", "lead", "--partnership", BARKING, "--password-stdin")
    assert result.exit_code == 0 and f"Added bob (lead of {BARKING})" in result.output, result.output
    result = run("set-role", "bob", "viewer")  # two held, none chosen: says which there are
    assert result.exit_code == 1 and "2 partnerships are held" in result.output and "--partnership CODE" in result.output
    listed = run("list").output
    assert f"analyst of {BARKING}, lead of {HAVERING}" in listed and "admin" in listed, listed
    with session_scope(demo_engine) as session:
        bob = session.scalar(select(User).where(User.name == "bob"))
        assert roles_held(session, bob) == ((BARKING, "lead"),)


def test_migration_keeps_everyone_their_role_in_the_one_partnership(demo_engine):
    with session_scope(demo_engine) as session:
        add_user(session, "ana", WEB_PASSWORD, "analyst", by="test")
        add_user(session, "root", WEB_PASSWORD, "admin", by="test")
    config = alembic_config()
    with demo_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0025_partnerships")
    upgrade(demo_engine)
    with session_scope(demo_engine) as session:
        held = sorted((r.partnership_code, r.role) for r in session.scalars(select(PartnershipRole)))
        assert held == [(HAVERING, "analyst")]  # the admin stays global
        ana = principal_for(session, "ana")
        assert ana is not None and ana.can("analyst", HAVERING) and not ana.can("analyst", BARKING)


# --- Forged writes --------------------------------------------------------------------------


def _forged(app, area: str, indicator: str = "K1") -> dict[str, tuple[str, dict]]:
    """(who sends it, the request) for every callback that writes, aimed at ``area``."""
    editing = {"indicator": indicator, "year": "2016-17", "quarter": "Q3", "area": area, "source": ""}
    annual = {
        "targets-annual-context.data": editing, "targets-annual-target.value": "100", "targets-annual-tolerance.value": "0",
        "targets-annual-tolerance-type-value.data": "abs", "targets-annual-profile-value.data": "even",
        "targets-annual-shares.value": "", "targets-annual-scope-value.data": "all",
    }  # fmt: skip
    pack = {"targets-pack-context.data": {"period": Q3, "area": area, "version": None}}
    pack |= {f"{field_id}.value": "forged" for field_id in pack_text_form.FIELD_IDS.values()}
    quarter = {"publishing-quarter.data": {"period": Q3, "area": area}}
    body = callback_body
    targets = targets_save_body(app, area, indicator, "forged", action="forged action", owner="Ana")
    return {
        "targets, commentary and actions": ("ana", targets),
        "annotation (break)": ("ana", body(app, "targets-break-message.children", {"targets-break-save.n_clicks": 1}, {
            "targets-break-context.data": editing, "targets-break-date.value": "1 April 2016",
            "targets-break-reason.value": "forged", "targets-break-scope-value.data": "indicator"})),
        "annual target": ("ana", body(app, "targets-annual-errors.children", {"targets-annual-save.n_clicks": 1}, annual)),
        "pack words": ("ana", body(app, "targets-pack-errors.children", {"targets-pack-save.n_clicks": 1}, pack)),
        "SPC baseline": ("ana", body(app, "baseline-message.children", {"baseline-save.n_clicks": 1}, {
            "baseline-context.data": {"indicator": "K1", "area": area, "period": Q3}, "baseline-reason.value": "forged"})),
        "submit": ("ana", body(app, "submit-outcome.children", {
            "submit-button.n_clicks": None, "submit-confirm-button.n_clicks": 1, "submit-cancel-button.n_clicks": None},
            {"submit-note.value": "forged", **quarter})),
        "publish": ("lena", body(app, "publish-outcome.children", {"publish-job.data": {"job": "a1b2c3d4e5f6a7b8"}}, {
            "publish-note.value": "", "publish-force-value.data": "force", "publish-reason.value": "forged", **quarter,
            "publish-date.value": ""})),
        "re-open": ("lena", body(app, "publish-reopen-outcome.children", {"publish-reopen-button.n_clicks": 1},
                                 {"publish-reopen-reason.value": "forged", **quarter})),
    }  # fmt: skip


def _post(app, who: str, request: dict[str, Any]):
    client = app.server.test_client()
    assert web_sign_in(client, who).status_code == 302
    return client.post("/_dash-update-component", json=request)


def test_every_write_forged_against_another_partnership_is_refused_stores_nothing_and_is_recorded(
    demo_engine, database_url, tmp_path
):
    _with_barking(demo_engine, tmp_path)
    app = make_web_app(database_url, CSPDASH_PARTNERSHIP=HAVERING)
    before = _stored(demo_engine)
    forged = _forged(app, BARKING)
    for what, (who, request) in forged.items():
        response = _post(app, who, request)
        assert response.status_code == 403, (what, response.get_data(as_text=True)[:300])
        assert "of this partnership" in response.get_json()["message"], what
        assert _stored(demo_engine) == before, what
        with session_scope(demo_engine) as session:
            last = refusals(session, limit=1)[0]
            assert (last.user, last.entity, last.key) == (who, "partnership", BARKING), what
    with session_scope(demo_engine) as session:
        assert len(refusals(session, limit=100)) == len(forged)

    # The same request for Havering goes through: the refusal is the partnership's, not the form's.
    who, request = _forged(app, HAVERING, "CSP1")["targets, commentary and actions"]
    saved = _post(app, who, request)
    assert saved.status_code == 200 and "Saved by ana at" in saved.get_data(as_text=True)
    assert _stored(demo_engine) != before


def test_upload_into_a_partnership_where_the_analyst_is_a_viewer_is_refused_and_recorded(demo_engine, database_url, tmp_path):
    """The upload page loads into the request's partnership: Barking's, where ana is a viewer."""
    import base64
    import hashlib

    _with_barking(demo_engine, tmp_path)
    app = make_web_app(database_url, CSPDASH_PARTNERSHIP=BARKING)
    marac = f"area_code,quarter,cases_discussed,repeat_cases\n{BARKING},2017-18-Q1,50,12\n".encode()
    checked = {"kind": "marac", "file_name": "marac.csv", "sha256": hashlib.sha256(marac).hexdigest()}
    contents = "data:text/csv;base64," + base64.b64encode(marac).decode()
    request = callback_body(app, "upload-history.children", {"upload-confirm.n_clicks": 1}, {
        "upload-file.contents": contents, "upload-file.filename": "marac.csv", "upload-pending.data": checked,
        "upload-missing-choice.value": None, "upload-accept-drops.value": []})  # fmt: skip
    before = _stored(demo_engine)
    assert _post(app, "ana", request).status_code == 403
    assert _stored(demo_engine) == before
    with session_scope(demo_engine) as session:
        last = refusals(session, limit=1)[0]
        assert (last.user, last.key, last.detail["needed"]) == ("ana", BARKING, "analyst")
    assert _post(app, "root", request).status_code == 200  # an admin may, in every partnership
    assert _stored(demo_engine)["marac_return"] != before["marac_return"]


# --- Private partnerships --------------------------------------------------------------------


def test_a_private_partnership_is_read_only_by_its_members_and_admins(demo_engine, database_url, tmp_path):
    """Public reading is on; Barking and Dagenham is private: ana (a viewer there) and the admin
    read it, lena (Havering's lead, nothing in Barking) and anonymous readers are refused on
    pages, API, downloads and embeds, and Havering stays public."""
    from store.partnerships import set_private

    _with_barking(demo_engine, tmp_path)
    with session_scope(demo_engine) as session:
        set_private(session, BARKING, True)
    barking = make_dashboard_app(database_url, CSPDASH_PARTNERSHIP=BARKING, CSPDASH_PUBLIC_READ="true")
    havering = make_dashboard_app(database_url, CSPDASH_PARTNERSHIP=HAVERING, CSPDASH_PUBLIC_READ="true")
    api, embed = f"/api/v1/scorecard?period={Q3}", f"/embed/indicator/K1?period={Q3}"

    anonymous = barking.server.test_client()
    page = anonymous.get("/")  # refused before it is sent on to /p/E09000002/
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    assert anonymous.get(api).status_code == 401
    assert anonymous.get(embed).status_code == 302
    # From the public partnership's app, naming the private one is refused too; Havering is public.
    from_havering = havering.server.test_client()
    assert from_havering.get(f"/api/v1/scorecard?period={Q3}&area={BARKING}").status_code == 401
    assert from_havering.get(f"/export/pack.pdf?period={Q3}&area={BARKING}").status_code == 302
    assert from_havering.get(api, follow_redirects=True).status_code == 200  # via /api/v1/p/E09000016/…

    for who, status in (("lena", 403), ("ana", 200), ("root", 200)):
        client = barking.server.test_client()
        assert web_sign_in(client, who).status_code == 302
        response = client.get(api, follow_redirects=True)
        assert response.status_code == status, (who, response.get_data(as_text=True)[:300])
        if status == 403:
            assert response.get_json() == {"message": "This partnership's figures are for its members only."}
            assert client.get("/").status_code == 403

    with session_scope(demo_engine) as session:
        set_private(session, BARKING, False)
    public_again = make_dashboard_app(database_url, CSPDASH_PARTNERSHIP=BARKING, CSPDASH_PUBLIC_READ="true")
    assert public_again.server.test_client().get(api, follow_redirects=True).status_code == 200


def test_cli_acting_for_a_user_is_refused_in_a_partnership_where_they_hold_no_such_role(demo_engine, database_url, tmp_path):
    _with_barking(demo_engine, tmp_path)

    def run(*args: str):
        return CliRunner().invoke(cli, list(args), env={"DATABASE_URL": database_url})

    before = _stored(demo_engine)
    result = run("submit", "--period", Q3, "--partnership", BARKING, "--as", "ana")
    assert result.exit_code == 1 and "ana (viewer) may not submit a quarter" in result.output, result.output
    result = run("publish", "--period", Q3, "--partnership", BARKING, "--as", "lena", "--force", "--reason", "forged")
    assert result.exit_code == 1 and f"lena (no role in {BARKING}) may not publish" in result.output, result.output
    assert _stored(demo_engine) == before
    with session_scope(demo_engine) as session:
        assert [(r.user, r.key) for r in refusals(session, limit=10)] == [("lena", BARKING), ("ana", BARKING)]
    result = run("submit", "--period", Q3, "--partnership", BARKING, "--as", "root")  # an admin may
    assert result.exit_code == 0, result.output


def test_the_chosen_partnership_holds_for_its_block_and_leaves_the_environment_alone(demo_engine, tmp_path, monkeypatch):
    import os

    from store.partnerships import PartnershipNotChosen, chosen_partnership, partnership_in_force

    _with_barking(demo_engine, tmp_path)
    monkeypatch.delenv("CSPDASH_PARTNERSHIP", raising=False)
    environment = dict(os.environ)
    with session_scope(demo_engine) as session:
        with pytest.raises(PartnershipNotChosen):
            partnership_in_force(session)
        with chosen_partnership(BARKING):
            assert partnership_in_force(session) == BARKING
            assert dict(os.environ) == environment
        with pytest.raises(PartnershipNotChosen):
            partnership_in_force(session)


# --- Removing a role -------------------------------------------------------------------------


def test_removing_the_role_in_a_private_partnership_ends_reading_it_and_is_recorded(demo_engine, database_url, tmp_path):
    """ana, a viewer of private Barking and Dagenham, reads it until `users remove-role` takes the
    role away: signed out, and signed in again she is refused; her Havering role stays."""
    from store.audit import recent_changes
    from store.partnerships import set_private

    _with_barking(demo_engine, tmp_path)
    with session_scope(demo_engine) as session:
        set_private(session, BARKING, True)
    barking = make_dashboard_app(database_url, CSPDASH_PARTNERSHIP=BARKING, CSPDASH_PUBLIC_READ="true")
    api = f"/api/v1/p/{BARKING}/scorecard?period={Q3}"
    client = barking.server.test_client()
    assert web_sign_in(client, "ana").status_code == 302
    assert client.get(api).status_code == 200

    result = CliRunner().invoke(
        cli, ["users", "remove-role", "ana", "--partnership", BARKING], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"ana no longer holds a role in {BARKING}; now analyst of {HAVERING}.\n"
    assert client.get(api).status_code == 401  # her cookie was issued with the role
    again = barking.server.test_client()
    assert web_sign_in(again, "ana").status_code == 302
    refused = again.get(api)
    assert refused.status_code == 403 and refused.get_json() == {
        "message": "This partnership's figures are for its members only."
    }
    with session_scope(demo_engine) as session:
        ana = principal_for(session, "ana")
        assert ana is not None and ana.grants == ((HAVERING, "analyst"),) and not ana.member_of(BARKING)
        last = recent_changes(session, entity="user", limit=1)[0]
        assert (last.user, last.action, last.key) == ("cli", "remove-role", "ana")
        assert last.detail == {"partnership": BARKING, "old": {"role": "viewer"}, "new": {"role": None}}


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("lena", "--partnership", BARKING), f"lena holds no role in {BARKING}: nothing to remove"),
        (("root", "--partnership", BARKING), "root is an admin, an admin of every partnership"),
        (("ghost", "--partnership", BARKING), "no user called 'ghost'"),
        (("ana", "--partnership", "E09000003"), "no partnership 'E09000003' is held"),
        (("ana",), "2 partnerships are held"),
    ],
)
def test_removing_a_role_not_held_says_whose_and_where_and_changes_nothing(demo_engine, database_url, tmp_path, args, said):
    _with_barking(demo_engine, tmp_path)
    before = _stored(demo_engine)
    with session_scope(demo_engine) as session:
        logged = len(recent_changes_all(session))
    result = CliRunner().invoke(cli, ["users", "remove-role", *args], env={"DATABASE_URL": database_url})
    assert result.exit_code == 1 and said in result.output, result.output
    assert _stored(demo_engine) == before
    with session_scope(demo_engine) as session:
        assert len(recent_changes_all(session)) == logged


def test_the_only_partnership_s_role_is_not_removed_but_the_user_disabled(demo_engine, database_url):
    with session_scope(demo_engine) as session:
        add_user(session, "ana", WEB_PASSWORD, "analyst", by="test")
    result = CliRunner().invoke(cli, ["users", "remove-role", "ana"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 1 and f"{HAVERING} is the only partnership held" in result.output, result.output
    with session_scope(demo_engine) as session:
        ana = principal_for(session, "ana")
        assert ana is not None and ana.can("analyst", HAVERING)


def recent_changes_all(session) -> list:
    from store.audit import recent_changes

    return recent_changes(session, limit=10_000)
