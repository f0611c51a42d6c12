"""Partnerships as tenants (issue 23 part 1): an existing database becomes one partnership with
every figure and publication unchanged; `cspdash partnerships add/list`; two partnerships in one
database each score and publish only their own indicators, targets and commentary. Real SQLite
and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from rules.periods import Quarter
from store.db import session_scope
from store.models import Commentary, Indicator, Partnership, Target
from store.partnerships import list_partnerships
from store.publication_models import PublishedFile, PublishedVersion
from store.publishing import publish_quarter, quarter_state
from store.schema import current_revision, head_revision, upgrade
from store.scorecard import build_scorecard
from store.users import Principal
from tests.helpers import load, migrate_to, write

Q3, Q4 = Quarter(2016, 3), Quarter(2016, 4)
HAVERING, BARKING = "E09000016", "E09000002"
LEAD = Principal("lee", "lead")

INDICATORS = "code,name,goal,unit,polarity,basis,measure,rated\nK1,Calls for help,Safe,count,lower,quarter,values,true\n"
VALUES = "indicator_code,area_code,period,value\n"
TARGETS = "code,year,quarter,target,tolerance,tolerance_type\n"


def _published(engine) -> list[tuple]:
    with session_scope(engine) as session:
        versions = [
            (v.period, v.area_code, v.version, v.document, v.document_sha256) for v in session.scalars(select(PublishedVersion))
        ]
        files = [(f.version_id, f.format, f.sha256, bytes(f.content)) for f in session.scalars(select(PublishedFile))]
    return sorted(versions) + sorted(files)


def _scored(engine, period: Quarter, area: str) -> list[tuple]:
    with session_scope(engine) as session:
        return [
            (r.code, r.quarter_value, r.ytd_value, r.rag, r.target, r.commentary)
            for r in build_scorecard(session, period, area).rows
        ]


def test_a_database_with_a_published_quarter_becomes_one_partnership_with_every_figure_unchanged(demo_engine):
    with session_scope(demo_engine) as session:
        publish_quarter(
            session,
            Q3,
            HAVERING,
            LEAD,
            files={"html": b"<p>pack \xe2\x80\x94 as the committee saw it</p>"},
            now=datetime(2017, 1, 17, tzinfo=UTC),
        )
    published, q3, q4 = _published(demo_engine), _scored(demo_engine, Q3, HAVERING), _scored(demo_engine, Q4, HAVERING)
    with session_scope(demo_engine) as session:
        held = (session.query(Indicator).count(), session.query(Target).count(), session.query(Commentary).count())
    assert published and held[0] > 0 and held[1] > 0 and held[2] > 0

    migrate_to(demo_engine, "0024_policeuk_force_months", down=True)
    with demo_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM target").scalar_one() == held[1]  # nothing lost going down
    upgrade(demo_engine)

    assert current_revision(demo_engine) == head_revision()
    assert _published(demo_engine) == published  # byte for byte: documents, hashes and pack files
    assert _scored(demo_engine, Q3, HAVERING) == q3 and _scored(demo_engine, Q4, HAVERING) == q4
    with session_scope(demo_engine) as session:
        assert [(p.code, p.name, p.private) for p in list_partnerships(session)] == [(HAVERING, "Havering", False)]
        assert (session.query(Indicator).count(), session.query(Target).count(), session.query(Commentary).count()) == held
        assert set(session.scalars(select(Target.partnership_code))) == {HAVERING}
        assert quarter_state(session, Q3, HAVERING).is_published and not quarter_state(session, Q4, HAVERING).is_published


def _cli(database_url: str, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env={"DATABASE_URL": database_url, **(env or {})})


def test_partnerships_add_refuses_an_area_that_is_not_a_district_or_partnership_and_stores_nothing(
    engine, database_url, tmp_path
):
    for code, said in (("E99999999", "is not held"), ("E12000007", "is a region")):
        result = _cli(database_url, "partnerships", "add", code, "--name", "Nowhere")
        assert result.exit_code == 1 and said in result.output, result.output
    assert _cli(database_url, "partnerships", "list").output.startswith("No partnership is held yet")
    assert _cli(database_url, "partnerships", "add", BARKING, "--name", "Barking and Dagenham CSP", "--private").exit_code == 0
    assert _cli(database_url, "partnerships", "add", BARKING, "--name", "Again").exit_code == 1  # held already
    assert _cli(database_url, "partnerships", "list").output == f"{BARKING}\tBarking and Dagenham CSP\tprivate\n"
    result = _cli(database_url, "ingest", "indicators", str(write(tmp_path / "i.csv", INDICATORS)), "--partnership", HAVERING)
    assert result.exit_code == 1 and f"no partnership '{HAVERING}' is held; held: {BARKING}" in result.output, result.output
    with session_scope(engine) as session:
        assert session.query(Indicator).count() == 0


def test_two_partnerships_score_and_publish_only_their_own(engine, database_url, tmp_path):
    """The same indicator code in each, different targets, values and commentary."""
    assert _cli(database_url, "partnerships", "add", HAVERING, "--name", "Havering CSP").exit_code == 0
    assert _cli(database_url, "partnerships", "add", BARKING, "--name", "Barking and Dagenham CSP").exit_code == 0
    for area, target, value, said in ((HAVERING, 100, 90, "Havering is on track"), (BARKING, 50, 70, "Barking is behind")):
        folder = tmp_path / area
        folder.mkdir()
        load(engine, "indicators", write(folder / "i.csv", INDICATORS), partnership=area)
        load(engine, "targets", write(folder / "t.csv", TARGETS + f"K1,2016-17,Q3,{target},0,abs\n"), partnership=area)
        load(engine, "values", write(folder / "v.csv", VALUES + f"K1,{area},{Q3.key},{value}\n"), partnership=area)
        load(
            engine,
            "commentary",
            write(folder / "c.csv", f"indicator_code,area_code,period,commentary\nK1,{area},{Q3.key},{said}\n"),
            partnership=area,
        )

    havering, barking = _scored(engine, Q3, HAVERING), _scored(engine, Q3, BARKING)
    assert [(code, value, rag, comment) for code, value, _, rag, _, comment in havering] == [
        ("K1", 90, "Green", "Havering is on track")
    ]
    assert [(code, value, rag, comment) for code, value, _, rag, _, comment in barking] == [
        ("K1", 70, "Red", "Barking is behind")
    ]
    assert (havering[0][4].target, barking[0][4].target) == (100, 50)  # each its own target

    with session_scope(engine) as session:
        assert session.scalar(select(Partnership.name).where(Partnership.code == BARKING)) == "Barking and Dagenham CSP"
        publish_quarter(session, Q3, HAVERING, LEAD, files={"html": b"<p>pack</p>"}, now=datetime(2017, 1, 17, tzinfo=UTC))
    with session_scope(engine) as session:
        assert quarter_state(session, Q3, HAVERING).is_published
        assert quarter_state(session, Q3, BARKING).state == "draft"
    assert _scored(engine, Q3, BARKING) == barking  # publishing Havering changed nothing of Barking's

    # With two held and none chosen, a command says which there are rather than guess.
    result = _cli(database_url, "score", "--period", Q3.key)
    assert result.exit_code == 1 and f"2 partnerships are held ({BARKING}, {HAVERING})" in result.output, result.output
    result = _cli(database_url, "score", "--period", Q3.key, "--partnership", BARKING, "--format", "csv")
    assert result.exit_code == 0, result.output
    scored = [(r["code"], r["area_code"], r["actual"], r["target"], r["rag"]) for r in csv.DictReader(io.StringIO(result.output))]
    assert scored == [("K1", BARKING, "70", "50", "Red")]
    assert _cli(database_url, "score", "--period", Q3.key, env={"CSPDASH_PARTNERSHIP": HAVERING}).exit_code == 0
    # An area that is not a partnership (London) is scored with the chosen partnership's indicators.
    result = _cli(database_url, "score", "--period", Q3.key, "--area", "E12000007", "--partnership", BARKING, "--format", "csv")
    assert result.exit_code == 0 and [r["code"] for r in csv.DictReader(io.StringIO(result.output))] == ["K1"], result.output
    assert _cli(database_url, "score", "--period", Q3.key, "--area", "E12000007").exit_code == 1
    result = _cli(database_url, "score", "--period", Q3.key, "--partnership", "E09000003")
    assert result.exit_code == 1 and "no partnership 'E09000003' is held" in result.output
