"""End to end through the CLI, on SQLite and PostgreSQL, with the real committee pack:
demo → publish Q3 2016/17 → the Met re-issues October 2016 with 25 more offences in one
ward → the figure now is 13,168 and flagged revised, while the published version still says
13,143 in `score --as-published` and in the stored pack, whose bytes (and SHA-256) are
exactly those made at publication."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader

from cli.main import cli
from rules.periods import Quarter
from store.db import get_engine, session_scope
from store.publishing import published_versions
from tests.conftest import MIGRATED, add_web_user, derived_template
from tests.test_publishing import reload_october_with_more_offences

Q3 = "2016-17-Q3"


def _cspdash_demo_no_publish(url: str) -> None:
    result = CliRunner().invoke(cli, ["demo", "--no-publish"], env={"DATABASE_URL": url}, catch_exceptions=False)
    assert result.exit_code == 0, result.output


# What `cspdash demo --no-publish` leaves (these tests publish Q3 themselves): made once per test
# process into a template, each test getting a clone, rather than the demo loaded per test.
derived_template("clidemodraft", MIGRATED, _cspdash_demo_no_publish, "after_cspdash_demo_no_publish")


@pytest.fixture
def after_cspdash_demo_no_publish(engine):
    """A database as `cspdash demo --no-publish` leaves it."""
    return engine


@pytest.fixture
def run(database_url: str, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_publish_then_reload_october_keeps_what_the_committee_saw(
    run, after_cspdash_demo_no_publish, database_url: str, export_chromium: Path, tmp_path: Path
) -> None:
    engine = get_engine(database_url)
    add_web_user(engine, "lee", "lead")
    out = run(
        "publish",
        "--period",
        Q3,
        "--note",
        "Crime & Disorder Sub-Committee, 17 January 2017",
        "--date",
        "2017-01-17",
        "--as",
        "lee",
    ).output
    assert re.search(r"Published Q3 2016/17 for E09000016: Version 1, published on \d+ \w+ \d{4} by lee\.", out)
    pdf_sha = re.search(r"-v1\.pdf\s+[\d,]+ bytes\s+sha256 ([0-9a-f]{64})", out).group(1)

    upload = reload_october_with_more_offences(engine, tmp_path)

    # Now: 13,168, and flagged as revised since publication.
    now = {r["code"]: r for r in csv.DictReader(io.StringIO(run("score", "--period", Q3, "--format", "csv").output))}
    assert now["CSP1"]["actual"] == "13168"
    table = run("score", "--period", Q3).output
    assert "Revised since publication on" in table and "CSP1" in table.splitlines()[1]
    revised = json.loads(run("revisions", "--period", Q3, "--format", "json").output)
    ytd = next(r for r in revised["revisions"] if r["code"] == "CSP1" and r["field"] == "ytd_value")
    assert (ytd["published"], ytd["current"], ytd["rated_figure"]) == (13143, 13168, True)
    assert [s["upload_id"] for s in ytd["sources"]] == [upload.upload_id] and ytd["changed_at"]
    assert revised["rating_changes"] == []
    listing = run("revisions", "--period", Q3).output
    assert re.search(r"CSP1\s+Total notifiable offences\s+Year to date \(rated\)\s+13,143\s+13,168", listing)
    assert "met_ward_october_2016_revised.csv" in listing
    uploads = run("uploads").output.splitlines()
    assert re.search(
        rf"^{upload.upload_id}\s.*met_ward_october_2016_revised\.csv.*2016-17-Q3 E09000016 v1$",
        next(u for u in uploads if "revised.csv" in u),
    )

    # As published: 13,143, from the frozen version alone.
    published = {
        r["code"]: r
        for r in csv.DictReader(io.StringIO(run("score", "--period", Q3, "--as-published", "--format", "csv").output))
    }
    assert published["CSP1"]["actual"] == "13143" and published["CSP1"]["rag"] == "Red"
    assert run("score", "--period", Q3, "--as-published").output.startswith(
        "Havering (E09000016), Q3 2016/17, as published: Version 1"
    )

    # The stored pack, byte for byte: its SHA-256 is unchanged and it says 13,143.
    pdf = tmp_path / "published.pdf"
    written = run("export", "pack", "--period", Q3, "--as-published", "--out", str(pdf)).output
    assert f"sha256 {pdf_sha}" in written
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == pdf_sha
    text = pdf_text(pdf.read_bytes())
    assert "13,143" in text and "13,168" not in text
    docx = tmp_path / "published.docx"
    run("export", "pack", "--period", Q3, "--as-published", "--out", str(docx))
    words = "\n".join(cell.text for t in Document(docx).tables for row in t.rows for cell in row.cells)
    assert "13,143" in words and "13,168" not in words
    with session_scope(engine) as session:
        (v1,) = published_versions(session, Quarter.parse(Q3), "E09000016")
    assert v1.file("pdf").sha256 == pdf_sha and v1.published_by == "lee"
    assert v1.file("docx").sha256 == hashlib.sha256(docx.read_bytes()).hexdigest()

    # The pack made now has the revised figure.
    current = tmp_path / "now.html"
    run("export", "pack", "--period", Q3, "--out", str(current), "--date", "2017-01-17")
    assert "13,168" in current.read_text(encoding="utf-8")


def test_publish_cli_refuses_analysts_and_missing_corrective_action_before_making_the_pack(
    run, after_cspdash_demo_no_publish, database_url: str, tmp_path: Path
) -> None:
    """No Chromium needed: refusals come before any file is made, and store nothing."""
    engine = get_engine(database_url)
    add_web_user(engine, "priya", "analyst")
    add_web_user(engine, "vic", "viewer")
    for who, role in (("priya", "analyst"), ("vic", "viewer")):
        result = run("publish", "--period", Q3, "--as", who, ok=False)
        assert result.exit_code == 1
        assert f"{who} ({role}) may not publish a quarter: only a lead or an admin may." in result.output
    result = run("publish", "--period", Q3, "--as", "nobody", ok=False)
    assert result.exit_code == 1 and "No active dashboard user called 'nobody'" in result.output
    assert (
        "Submitted Q3 2016/17 for E09000016 for sign-off."
        in run("submit", "--period", Q3, "--as", "priya", "--note", "ready").output
    )

    # CSP1 is Red; a re-loaded commentary file with no corrective action adds none, and its
    # actions for the quarter are dropped.
    from datetime import UTC, datetime

    from store.actions import drop_action, list_actions

    with session_scope(get_engine(database_url)) as session:  # CSP1's corrective actions for the quarter are dropped
        for action in list_actions(session, indicator="CSP1", area="E09000016", periods=[Quarter.parse(Q3)]):
            drop_action(session, action.id, "priya", datetime.now(UTC))
    commentary = tmp_path / "commentary.csv"
    commentary.write_text(
        "indicator_code,area_code,period,commentary,corrective_action\nCSP1,E09000016,2016-17-Q3,Offences are up 4.5% year to date.,\n",
        encoding="utf-8",
    )
    run("ingest", "commentary", str(commentary))
    result = run("publish", "--period", Q3, ok=False)
    assert result.exit_code == 1
    assert "cannot be published yet:\n  - CSP1 Total notifiable offences: Red without corrective action" in result.output
    result = run("publish", "--period", Q3, "--force", ok=False)
    assert result.exit_code == 1 and "needs a reason" in result.output
    assert "Submitted for sign-off" in run("versions", "--period", Q3).output  # still submitted, nothing published
    result = run("revisions", "--period", Q3, ok=False)
    assert result.exit_code == 1 and "has not been published" in result.output
    result = run("export", "pack", "--period", Q3, "--as-published", "--out", "unused.pdf", ok=False)
    assert result.exit_code == 1 and "has not been published" in result.output


def test_reopen_and_versions_commands_keep_every_version(
    run, after_cspdash_demo_no_publish, database_url: str, tmp_path: Path
) -> None:
    """Re-open with a reason, publish the correction; both versions stay readable."""
    from tests.test_publishing import LEAD, publish

    engine = get_engine(database_url)
    add_web_user(engine, "lee", "lead")
    add_web_user(engine, "priya", "analyst")
    publish(engine, LEAD, note="Sub-Committee")
    result = run("reopen", "--period", Q3, "--reason", "The Met revised October 2016.", "--as", "priya", ok=False)
    assert result.exit_code == 1 and "priya (analyst) may not re-open this quarter" in result.output
    assert "Re-opened on" in run("reopen", "--period", Q3, "--reason", "The Met revised October 2016.", "--as", "lee").output
    reload_october_with_more_offences(engine, tmp_path)
    publish(engine, LEAD)
    listing = run("versions", "--period", Q3).output
    assert listing.startswith("Q3 2016/17, E09000016: Published: Version 2, published on")
    assert "\nVersion 1, published on" in listing and "  note: Sub-Committee" in listing
    assert "  correction: The Met revised October 2016." in listing
    assert listing.count("-v1.pdf") == 1 and listing.count("-v2.pdf") == 1
    first = {
        r["code"]: r
        for r in csv.DictReader(
            io.StringIO(run("score", "--period", Q3, "--as-published", "--version", "1", "--format", "csv").output)
        )
    }
    latest = {
        r["code"]: r
        for r in csv.DictReader(io.StringIO(run("score", "--period", Q3, "--as-published", "--format", "csv").output))
    }
    assert (first["CSP1"]["actual"], latest["CSP1"]["actual"]) == ("13143", "13168")
    assert "Nothing has been revised since publication." in run("revisions", "--period", Q3).output
    assert "13,143" in run("revisions", "--period", Q3, "--version", "1").output
    out = tmp_path / "v1.pdf"
    run("export", "pack", "--period", Q3, "--version", "1", "--out", str(out))
    assert out.read_bytes() == b"%PDF-1.7 stand-in"  # the stand-in stored by the store-level helper
