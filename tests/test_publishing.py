"""Publishing rules on SQLite and PostgreSQL, through the store functions the CLI and the web
callbacks share: who may submit, publish and re-open; what stops a quarter being published and
how --force records why; that a published version cannot be changed (by the ORM or by hand);
corrections as new versions; revisions and what changed them; and that the as-published view
ignores later target edits and indicator renames.

The pack files here are small stand-ins (the full pack is made in test_publishing_e2e.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update

from cli.common import publishing_message
from reporting.workflow import ForceNeedsReason
from rules.periods import Quarter
from rules.rating import Rating
from store.actions import drop_action, list_actions
from store.coverage_record import record_coverage
from store.db import session_scope
from store.edits import TargetKey, TargetValues, save_commentary, save_target
from store.models import AsbCount, ChangeLog, Commentary
from store.publication_models import FrozenRecord, PublishedFile, PublishedVersion
from store.published_document import row_from_document, scorecard_from_document
from store.publishing import (
    NotAllowed,
    NotReady,
    PublishingError,
    day_label,
    publish_quarter,
    published_file,
    published_indicator_detail,
    published_scorecard,
    published_versions,
    quarter_state,
    reopen_quarter,
    submit_quarter,
)
from store.revisions import indicator_series_revisions, revisions, uploads_revising
from store.scorecard import ScoreRow
from store.users import Principal
from tests.helpers import load, write

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"
VIEWER, ANALYST, LEAD, ADMIN = (
    Principal("vic", "viewer"),
    Principal("priya", "analyst"),
    Principal("lee", "lead"),
    Principal("ada", "admin"),
)
FILES = {"pdf": b"%PDF-1.7 stand-in", "html": b"<!doctype html><title>pack</title>", "docx": b"PK stand-in"}
JAN_17 = datetime(2017, 1, 17, 10, 0, tzinfo=UTC)


def publish(engine, by: Principal = LEAD, **kwargs):
    with session_scope(engine) as session:
        return publish_quarter(session, Q3, HAVERING, by, files=kwargs.pop("files", FILES), **kwargs)


def stored_versions(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(PublishedVersion)).scalar_one()


def quarter_log(engine) -> list[ChangeLog]:
    with session_scope(engine) as session:
        return list(session.scalars(select(ChangeLog).where(ChangeLog.entity == "quarter").order_by(ChangeLog.id)))


def reload_october_with_more_offences(engine, tmp_path: Path, extra: int = 25):
    """Brooklands' October 2016 again, as the Met's ward file, with ``extra`` more criminal damage."""
    import pandas as pd

    from tests.conftest import DEMO_DIR

    frame = pd.read_csv(DEMO_DIR / "crime_wards_met_format.csv", dtype=str)
    ward = frame[frame.WardCode == "E05000306"][
        ["MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName", "201610"]
    ].copy()
    ward["201610"] = ward["201610"].astype(int)
    ward.loc[ward.index[ward.MinorText == "CRIMINAL DAMAGE"][0], "201610"] += extra
    path = tmp_path / "met_ward_october_2016_revised.csv"
    ward.to_csv(path, index=False)
    return load(engine, "crime", path, user="priya")


# --- Who may do what -------------------------------------------------------------------------


def test_publishing_viewer_and_analyst_cannot_publish_lead_and_admin_can(demo_engine) -> None:
    for who in (VIEWER, ANALYST):
        with pytest.raises(
            NotAllowed, match=rf"{who.name} \({who.role}\) may not publish a quarter: only a lead or an admin may"
        ):
            publish(demo_engine, who)
    assert stored_versions(demo_engine) == 0
    assert quarter_log(demo_engine) == []
    with session_scope(demo_engine) as session:
        assert quarter_state(session, Q3, HAVERING).state == "draft"
    assert publish(demo_engine, LEAD).version == 1
    with session_scope(demo_engine) as session:
        reopen_quarter(session, Q3, HAVERING, ADMIN, "admin re-opens")
    assert publish(demo_engine, ADMIN, reason="admin publishes the correction").version == 2


def test_publishing_submit_and_reopen_roles(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        with pytest.raises(NotAllowed, match="vic \\(viewer\\) may not submit a quarter: only an analyst may"):
            submit_quarter(session, Q3, HAVERING, VIEWER)
    with session_scope(demo_engine) as session:
        status = submit_quarter(session, Q3, HAVERING, ANALYST, "ready for Lee", now=datetime(2017, 1, 10, tzinfo=UTC))
    assert status.state == "submitted"
    assert status.headline == "Draft — not yet published. Submitted for sign-off on 10 January 2017 by priya."
    with (
        session_scope(demo_engine) as session,
        pytest.raises(PublishingError, match="already submitted on 10 January 2017 by priya"),
    ):
        submit_quarter(session, Q3, HAVERING, ANALYST)
    with session_scope(demo_engine) as session:  # an analyst may withdraw a submission…
        assert reopen_quarter(session, Q3, HAVERING, ANALYST, "one more check").state == "draft"
    publish(demo_engine, LEAD, now=JAN_17)
    with session_scope(demo_engine) as session:  # …but not re-open a published quarter
        with pytest.raises(NotAllowed, match="priya \\(analyst\\) may not re-open this quarter"):
            reopen_quarter(session, Q3, HAVERING, ANALYST, "the Met revised October")
    with session_scope(demo_engine) as session, pytest.raises(PublishingError, match="a reason is required"):
        reopen_quarter(session, Q3, HAVERING, LEAD, "  ")
    with session_scope(demo_engine) as session:
        assert quarter_state(session, Q3, HAVERING).state == "published"


def test_publishing_every_state_change_is_in_the_change_log(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        submit_quarter(session, Q3, HAVERING, ANALYST, "ready for Lee")
    publish(demo_engine, LEAD, note="Sub-Committee 17 January 2017", now=JAN_17)
    with session_scope(demo_engine) as session:
        reopen_quarter(session, Q3, HAVERING, LEAD, "the Met revised October")
    log = quarter_log(demo_engine)
    assert [(e.action, e.user, e.key) for e in log] == [
        ("submit", "priya", "2016-17-Q3 E09000016"), ("publish", "lee", "2016-17-Q3 E09000016"), ("reopen", "lee", "2016-17-Q3 E09000016"),
    ]  # fmt: skip
    assert [e.detail["note"] for e in log] == ["ready for Lee", "Sub-Committee 17 January 2017", "the Met revised October"]
    assert log[1].detail["new"] == {"state": "published", "version": 1}
    assert log[1].detail["files"]["pdf"] == hashlib.sha256(FILES["pdf"]).hexdigest()
    assert log[2].detail["old"] == {"state": "published"} and log[2].detail["latest_version"] == 1


# --- What stops a quarter being published ----------------------------------------------------


def test_publishing_refuses_a_red_without_corrective_action_and_an_incomplete_figure(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        note = session.scalars(select(Commentary).where(Commentary.indicator_code == "CSP1", Commentary.period == Q3.key)).one()
        save_commentary(session, "CSP1", HAVERING, Q3, note.commentary, "", "priya", datetime.now(UTC))
        for action in list_actions(session, indicator="CSP1", area=HAVERING, periods=[Q3]):
            drop_action(session, action.id, "priya", datetime.now(UTC))  # a dropped action does not count
        session.execute(delete(AsbCount).where(AsbCount.month == "2016-12"))  # December's ASB never arrived
        record_coverage(session, ["asb"])  # as every load does: the record (and its totals) follow the counts
    with pytest.raises(NotReady) as refused:
        publish(demo_engine, LEAD)
    assert refused.value.missing == [
        "CSP1 Total notifiable offences: Red without corrective action",
        "CSP3 Anti-social behaviour incidents: no complete year to date figure for Q3 2016/17 (a month or quarter of data is missing)",
    ]
    # The store says what is wrong and names no flag; the CLI adds its flags.
    assert "--" not in str(refused.value) and "cannot be published yet" in str(refused.value)
    assert "publish with --force and a --reason" in publishing_message(refused.value)
    with pytest.raises(ForceNeedsReason, match="needs a reason") as no_reason:
        publish(demo_engine, LEAD, force=True)
    assert "--" not in str(no_reason.value) and "--force needs a reason" in publishing_message(no_reason.value)
    assert stored_versions(demo_engine) == 0 and quarter_log(demo_engine) == []

    info = publish(demo_engine, LEAD, force=True, reason="Committee meets today; December ASB follows in the Q4 report.")
    assert (info.version, info.forced, info.force_reason) == (
        1,
        True,
        "Committee meets today; December ASB follows in the Q4 report.",
    )
    entry = quarter_log(demo_engine)[-1]
    assert entry.detail["forced"]["reason"] == info.force_reason
    assert entry.detail["forced"]["missing"] == refused.value.missing
    with session_scope(demo_engine) as session:
        published = published_scorecard(session, Q3, HAVERING)
    assert published.document["publication"]["missing_when_published"] == refused.value.missing


def test_publishing_a_published_quarter_needs_reopening_and_a_correction_is_a_new_version(demo_engine, tmp_path: Path) -> None:
    # Real clock times: the upload must fall between the two publications.
    first = publish(demo_engine, LEAD, note="Sub-Committee")
    with pytest.raises(PublishingError, match="already published .*re-open it with a reason"):
        publish(demo_engine, LEAD)
    upload = reload_october_with_more_offences(demo_engine, tmp_path)
    with session_scope(demo_engine) as session:
        status = reopen_quarter(session, Q3, HAVERING, LEAD, "The Met revised October 2016.")
    today = day_label(datetime.now(UTC))
    assert status.headline == (
        f"Draft — not yet published. Re-opened on {today} by lee: The Met revised October 2016. "
        f"The latest published is version 1, published on {today} by lee."
    )
    second = publish(demo_engine, LEAD)
    assert (second.version, second.correction_reason) == (2, "The Met revised October 2016.")  # the re-open reason
    with session_scope(demo_engine) as session:
        versions = published_versions(session, Q3, HAVERING)
        v1 = published_scorecard(session, Q3, HAVERING, 1)
        v2 = published_scorecard(session, Q3, HAVERING)
        revised_by = uploads_revising(session)
        assert revisions(session, Q3, HAVERING).revisions == []  # v2 is what is held now
    assert [v.version for v in versions] == [1, 2] and versions[0] == first
    assert next(r for r in v1.card.rows if r.code == "CSP1").actual == 13143
    assert next(r for r in v2.card.rows if r.code == "CSP1").actual == 13168
    stored = v2.document["revises"]
    assert stored["version"] == 1
    ytd = next(r for r in stored["revisions"] if r["field"] == "ytd_value")
    assert (ytd["published_text"], ytd["current_text"]) == ("13,143", "13,168")
    assert [s["upload_id"] for s in ytd["sources"]] == [upload.upload_id]
    assert revised_by == {upload.upload_id: ["2016-17-Q3 E09000016 v1"]}


def test_publishing_twice_at_once_refuses_the_second_in_words_and_stores_one_version(demo_engine, monkeypatch) -> None:
    """Two people press Publish together: both pass the checks (each read the quarter as a draft),
    and the store's unique version number refuses the second as a typed refusal, not a database error."""
    import store.publishing
    from store.publishing import PublishedMeanwhile, publish_quarter_in_transaction

    with session_scope(demo_engine) as session:
        as_read_before = quarter_state(session, Q3, HAVERING)
    publish(demo_engine, LEAD)
    monkeypatch.setattr(store.publishing, "quarter_state", lambda *_: as_read_before)
    with pytest.raises(
        PublishedMeanwhile, match="^Q3 2016/17 for E09000016 was published by someone else just now; see its versions.$"
    ) as refused:
        publish_quarter_in_transaction(demo_engine, Q3, HAVERING, ADMIN, files=FILES)
    assert (refused.value.period, refused.value.area) == (Q3, HAVERING)
    assert isinstance(refused.value, PublishingError)
    assert stored_versions(demo_engine) == 1


# --- Frozen means frozen ----------------------------------------------------------------------


def test_publishing_a_published_version_cannot_be_changed(demo_engine) -> None:
    publish(demo_engine, LEAD)
    with pytest.raises(FrozenRecord, match="part of a published version"):
        with session_scope(demo_engine) as session:
            row = session.scalars(select(PublishedVersion)).one()
            row.note = "quietly changed"
    with pytest.raises(FrozenRecord):
        with session_scope(demo_engine) as session:
            session.delete(session.scalars(select(PublishedFile)).first())
    # By hand, bypassing cspdash: the database's triggers refuse.
    for statement in (
        update(PublishedVersion).values(document="{}"),
        update(PublishedFile).values(content=b"forged"),
        delete(PublishedFile),
        delete(PublishedVersion),
    ):
        with pytest.raises(Exception, match="a published version cannot be changed or deleted"):
            with demo_engine.begin() as conn:
                conn.execute(statement)
    with session_scope(demo_engine) as session:
        pack = published_file(session, Q3, HAVERING, "pdf")
        assert published_scorecard(session, Q3, HAVERING).info.note == ""
    assert pack.content == FILES["pdf"] and pack.info.sha256 == hashlib.sha256(FILES["pdf"]).hexdigest()


def test_publishing_refuses_when_the_figures_changed_while_the_pack_was_made(demo_engine, tmp_path: Path) -> None:
    from store.published_document import freeze_document

    with session_scope(demo_engine) as session:
        document = freeze_document(session, Q3, HAVERING)
    reload_october_with_more_offences(demo_engine, tmp_path)
    with pytest.raises(PublishingError, match="figures changed while the pack was being made"):
        publish(demo_engine, LEAD, document=document)
    assert stored_versions(demo_engine) == 0


# --- Revisions and the as-published view -----------------------------------------------------


def test_publishing_revisions_name_the_upload_and_the_as_published_view_keeps_the_old_figures(
    demo_engine, tmp_path: Path
) -> None:
    publish(demo_engine, LEAD)  # after the demo was loaded, as in life
    upload = reload_october_with_more_offences(demo_engine, tmp_path)
    with session_scope(demo_engine) as session:
        report = revisions(session, Q3, HAVERING)
        detail = published_indicator_detail(session, "CSP1", Q3, HAVERING)
        state = quarter_state(session, Q3, HAVERING)
        series = indicator_series_revisions(session, "CSP1", Q3, HAVERING)
        assert indicator_series_revisions(session, "CSP1", Q3.previous(), HAVERING) is None  # Q2 never published
    assert [(r.code, r.field, r.published_text, r.current_text) for r in report.revisions] == [
        ("CSP1", "quarter_value", "4,355", "4,380"), ("CSP1", "ytd_value", "13,143", "13,168"),
    ]  # fmt: skip
    ytd = report.revised("CSP1", "ytd_value")
    assert ytd.rated_figure and ytd.upload_ids == [upload.upload_id]
    assert (
        ytd.sources[0].what == f"upload {upload.upload_id} (crime): met_ward_october_2016_revised.csv"
        and ytd.sources[0].by == "priya"
    )
    assert report.note(ytd) == f"revised since publication on {day_label(datetime.now(UTC))}: was 13,143, now 13,168"
    assert report.rating_changes == []  # Red then, Red now
    assert state.state == "published"  # a revision does not un-publish: it is shown beside the figure
    assert detail.current.actual == 13143 and [m for m in detail.monthly if m[0] == "2016-10"][0][1] < 13143
    assert detail.history[-1].ytd_value == 13143
    assert [(r.quarter, r.field, r.published_text, r.current_text) for r in series] == [
        ("2016-17-Q3", "quarter_value", "4,355", "4,380"), ("2016-17-Q3", "ytd_value", "13,143", "13,168"),
    ]  # fmt: skip


def test_publishing_as_published_ignores_target_edits_and_renames_which_revisions_list(demo_engine, tmp_path: Path) -> None:
    publish(demo_engine, LEAD)
    with session_scope(demo_engine) as session:
        key = TargetKey("CSP1", "2016-17", 3, None)
        save_target(session, key, TargetValues(13500.0, None, None, 2.5, "pct"), "priya", datetime.now(UTC))
    indicators = (Path(__file__).resolve().parents[1] / "data" / "demo" / "indicators.csv").read_text(encoding="utf-8")
    load(
        demo_engine,
        "indicators",
        write(tmp_path / "indicators.csv", indicators.replace("Total notifiable offences", "All recorded crime")),
    )
    with session_scope(demo_engine) as session:
        published = published_scorecard(session, Q3, HAVERING)
        report = revisions(session, Q3, HAVERING)
    csp1 = next(r for r in published.card.rows if r.code == "CSP1")
    assert (csp1.name, csp1.target_text(), csp1.rag) == ("Total notifiable offences", "12,400", Rating.RED)
    assert published.card.summary.overall.red == 2
    changed = {r.field: r for r in report.for_indicator("CSP1")}
    assert set(changed) == {"name", "target", "rag"}
    assert (changed["name"].published_text, changed["name"].current_text) == ("Total notifiable offences", "All recorded crime")
    assert [(s.kind, s.file_name) for s in changed["name"].sources] == [("indicators", "indicators.csv")]
    assert (changed["target"].published_text, changed["target"].current_text) == ("12,400", "13,500")
    assert changed["target"].sources[0].what == "target edited on the web by priya"
    assert [(c.code, c.published, c.current) for c in report.rating_changes] == [("CSP1", Rating.RED, Rating.GREEN)]


def test_publishing_document_survives_scorecard_fields_added_or_removed() -> None:
    """A document written before a ScoreRow field existed (or after one was dropped) still
    rebuilds: the as-published view must outlive schema and code changes."""
    row = {
        "code": "CSP1", "name": "Total notifiable offences", "goal": "Safe", "area_code": HAVERING, "period": Q3.key,
        "basis": "ytd", "unit": "count", "polarity": "lower", "rated": True, "actual": 13143.0, "rag": "Red",
        "dot_short": "better", "dot_long": "worse", "target": {"target": 12400.0, "low": None, "high": None, "tolerance": 2.5, "tolerance_type": "pct"},
        "a_field_from_the_future": 1,
    }  # fmt: skip
    rebuilt = row_from_document(row)
    assert isinstance(rebuilt, ScoreRow)
    assert (rebuilt.actual, rebuilt.rag, rebuilt.target_text(), rebuilt.tolerance_text()) == (
        13143.0,
        Rating.RED,
        "12,400",
        "2.5%",
    )
    assert rebuilt.ytd_value is None and rebuilt.flags == [] and rebuilt.commentary == ""
    document = {"period": {"key": Q3.key}, "area": {"code": HAVERING, "name": "Havering"}, "scorecard": [row]}
    card = scorecard_from_document(document)
    assert card.summary.overall.red == 1 and card.rows[0].name == "Total notifiable offences"
    assert {f.name for f in dataclasses.fields(ScoreRow)} >= {"actual", "rag", "target", "commentary", "corrective_action"}


def test_publishing_stored_document_is_checked_against_its_hash(demo_engine) -> None:
    """Even with the triggers dropped by someone with database rights, an altered document
    is refused rather than shown as what was published."""
    from store.publishing import DamagedDocument

    publish(demo_engine, LEAD)
    with demo_engine.begin() as conn:
        if demo_engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER published_version_frozen ON published_version"))
        else:
            conn.execute(text("DROP TRIGGER published_version_no_update"))
        conn.execute(update(PublishedVersion).values(document=PublishedVersion.document + " "))
    with session_scope(demo_engine) as session, pytest.raises(DamagedDocument, match="altered outside cspdash"):
        published_scorecard(session, Q3, HAVERING)


def test_published_rows_keep_their_tests_and_breaks_through_json(demo_engine):
    """A frozen row answers "is this change real?" exactly as it did when it was published."""
    import json as _json

    from rules.periods import Quarter as _Quarter
    from store.published_document import row_document, row_from_document
    from store.scorecard import build_scorecard as _build

    with session_scope(demo_engine) as session:
        row = next(r for r in _build(session, _Quarter.parse("2016-17-Q3"), "E09000016").rows if r.code == "CSP1")
    again = row_from_document(_json.loads(_json.dumps(row_document(row), default=str)))
    assert again.dot_long_test is not None and row.dot_long_test is not None
    assert again.dot_long_test.p_value == row.dot_long_test.p_value
    assert again.dot_short_test.words == row.dot_short_test.words
    assert again.dot_long_breaks == row.dot_long_breaks
