"""Revisions name the upload or edit that caused them, for every kind of input (#27 item 5),
and a re-load of indicator definitions says which it no longer contains and retires them only
when asked (item 6); on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli.main import cli
from rules.periods import Quarter
from store.db import session_scope
from store.indicator_queries import indicator_by_code
from store.models import InputChange, Target, Upload
from store.publishing import published_scorecard
from store.revisions import revisions, uploads_revising
from store.scorecard import build_scorecard
from tests.conftest import serious_axe_violations
from tests.helpers import load, write
from tests.test_publishing import publish

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


def _demo_file(name: str) -> str:
    return (DEMO / name).read_text(encoding="utf-8")


def test_revisions_blame_the_upload_that_changed_the_definition_not_a_later_targets_file(demo_engine, tmp_path):
    publish(demo_engine)
    targets = _demo_file("targets.csv").replace("CSP1,2016-17,Q3,12400,,,2.5,pct,", "CSP1,2016-17,Q3,12400,,,3,pct,")
    targets_upload = load(demo_engine, "targets", write(tmp_path / "targets.csv", targets))
    indicators = _demo_file("indicators.csv").replace(
        "CSP3,Anti-social behaviour incidents,Safe,count,lower,", "CSP3,Anti-social behaviour incidents,Safe,count,higher,"
    )
    definitions = load(demo_engine, "indicators", write(tmp_path / "indicators.csv", indicators))
    with session_scope(demo_engine) as session:
        report = revisions(session, Q3, HAVERING)
        revising = uploads_revising(session)
    csp3 = {r.field: r for r in report.for_indicator("CSP3")}
    assert csp3["rag"].upload_ids == [definitions.upload_id], csp3["rag"].sources_text
    assert csp3["rag"].sources_text == f"upload {definitions.upload_id} (indicators): indicators.csv"
    for arrow in ("dot_short", "dot_long"):
        if arrow in csp3:
            assert csp3[arrow].upload_ids == [definitions.upload_id], csp3[arrow].sources_text
    assert "dot_long" in csp3 or "dot_short" in csp3
    assert revising.get(definitions.upload_id) == [f"{Q3.key} {HAVERING} v1"]
    tolerance = report.revised("CSP1", "tolerance")
    assert tolerance is not None and tolerance.upload_ids == [targets_upload.upload_id]
    assert targets_upload.upload_id not in {i for r in report.for_indicator("CSP3") for i in r.upload_ids}


def test_reloading_unchanged_rows_records_no_change(demo_engine, tmp_path):
    def recorded() -> int:
        with session_scope(demo_engine) as session:
            return session.scalar(select(func.count()).select_from(InputChange))

    before = recorded()
    load(demo_engine, "targets", write(tmp_path / "targets.csv", _demo_file("targets.csv")))
    load(demo_engine, "indicators", write(tmp_path / "indicators.csv", _demo_file("indicators.csv")))
    load(demo_engine, "commentary", write(tmp_path / "commentary.csv", _demo_file("commentary.csv")))
    assert recorded() == before > 0


def _renamed() -> str:
    return _demo_file("indicators.csv").replace("\nCSP3,", "\nCSP3A,")


def _run(database_url, monkeypatch, *args):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_reload_without_a_choice_names_the_missing_indicator_and_stores_nothing(
    demo_engine, database_url, monkeypatch, tmp_path
):
    path = write(tmp_path / "indicators.csv", _renamed())
    result = _run(database_url, monkeypatch, "ingest", "indicators", str(path))
    assert result.exit_code != 0
    assert "CSP3" in result.output and "--retire-missing" in result.output and "--keep-missing" in result.output
    with session_scope(demo_engine) as session:
        assert indicator_by_code(session, "CSP3A") is None


def test_retire_missing_retires_the_old_code_and_keeps_its_history_and_published_version(
    demo_engine, database_url, monkeypatch, tmp_path
):
    publish(demo_engine)
    path = write(tmp_path / "indicators.csv", _renamed())
    result = _run(database_url, monkeypatch, "ingest", "indicators", str(path), "--retire-missing")
    assert result.exit_code == 0, result.output
    assert "held but not in this file, retired (values, targets and published versions kept): CSP3" in result.output
    with session_scope(demo_engine) as session:
        upload_id = session.scalar(select(func.max(Upload.id)))
    with session_scope(demo_engine) as session:
        codes = [r.code for r in build_scorecard(session, Q3, HAVERING).rows]
        assert "CSP3A" in codes and "CSP3" not in codes  # never both side by side
        assert indicator_by_code(session, "CSP3").retired_at is not None
        assert session.scalar(select(func.count()).select_from(Target).where(Target.indicator_code == "CSP3")) == 12
        published = [r.code for r in published_scorecard(session, Q3, HAVERING).card.rows]
        assert "CSP3" in published and "CSP3A" not in published
        gone = next(r for r in revisions(session, Q3, HAVERING).for_indicator("CSP3") if r.field == "indicator")
        assert gone.current_text == "retired (its history and published versions are kept)"
        assert gone.sources_text == f"upload {upload_id} (indicators): indicators.csv"
    kept = _run(
        database_url,
        monkeypatch,
        "ingest",
        "indicators",
        str(write(tmp_path / "again.csv", _demo_file("indicators.csv"))),
        "--keep-missing",
    )
    assert kept.exit_code == 0, kept.output
    assert "restored: CSP3" in kept.output and "held but not in this file, kept: CSP3A" in kept.output
    with session_scope(demo_engine) as session:
        codes = [r.code for r in build_scorecard(session, Q3, HAVERING).rows]
    assert "CSP3" in codes and "CSP3A" in codes  # kept, as asked


def test_upload_page_check_names_the_missing_indicators_and_the_load_retires_them_when_chosen(demo_engine):
    from web.parts import upload_steps as steps

    data = _renamed().encode()
    checked = steps.check_upload(demo_engine, "indicators", "indicators.csv", data, "priya")
    assert checked.ok and checked.summary.missing_indicators == ["CSP3"]
    assert "does not contain CSP3" in steps.missing_question(["CSP3"])
    loaded = steps.load_upload(demo_engine, "indicators", "indicators.csv", data, "priya", "retire")
    assert loaded.ok
    with session_scope(demo_engine) as session:
        assert indicator_by_code(session, "CSP3").retired_at is not None


@pytest.mark.browser
def test_upload_page_asks_whether_to_retire_or_keep_before_loading(web_live, web_browser, demo_engine):
    from tests.test_upload_page import _choose_file

    page = web_browser
    page.goto(f"{web_live}/upload")
    page.get_by_role("link", name="Sign in as an analyst to upload data").click()
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#upload-file")
    page.get_by_label("What kind of file is it?").select_option("indicators")
    _choose_file(page, "indicators.csv", _renamed().encode())
    page.wait_for_selector("#upload-summary")
    page.wait_for_selector("#upload-missing:not([hidden])")
    assert "does not contain CSP3" in page.locator("#upload-missing").inner_text()
    page.get_by_role("button", name="Confirm and load").click()
    page.wait_for_selector("text=Choose whether to retire or keep")
    with session_scope(demo_engine) as session:
        assert indicator_by_code(session, "CSP3A") is None  # nothing loaded without a choice
    page.get_by_label("Retire them", exact=False).check()
    page.get_by_role("button", name="Confirm and load").click()
    page.wait_for_selector("text=Loaded indicators.csv")
    with session_scope(demo_engine) as session:
        assert indicator_by_code(session, "CSP3").retired_at is not None and indicator_by_code(session, "CSP3A") is not None
    assert serious_axe_violations(page) == []
    assert page.console_errors == []
