"""Series breaks and notes: the loader, which series they apply to, the arrows that cross them,
and the pure break helpers."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli.main import cli
from rules.breaks import SeriesBreak, breaks_crossed, period_span, rebase_indices, span_of
from store.annotations import annotations_for, breaks_for
from store.areas import AreaTree
from store.db import session_scope
from store.indicator_queries import indicator_by_code
from store.models import Indicator, SeriesAnnotation
from tests.conftest import table_counts
from tests.helpers import load, write

NOTES = (
    "indicator_code,source,area_code,date,kind,reason\n"
    ",crime,,2016-04-01,break,new Met crime system\n"
    "CSP3,,E09000016,2016-10,,ASB categories changed\n"
    "CSP1,,,01/02/2015,note,Operation Bumblebee launched\n"
)


def annotation_count(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(SeriesAnnotation))


def test_annotations_load_and_reload_replaces(demo_engine, tmp_path):
    summary = load(demo_engine, "annotations", write(tmp_path / "notes.csv", NOTES))
    assert (summary.stored, summary.replaced) == (3, 0)
    assert summary.periods == ["2015-02-01", "2016-04-01", "2016-10-01"]
    again = load(
        demo_engine, "annotations", write(tmp_path / "notes2.csv", NOTES.replace("new Met crime system", "CRIS replaced"))
    )
    assert again.replaced == 3 and annotation_count(demo_engine) == 3
    with session_scope(demo_engine) as session:
        item = session.scalar(select(SeriesAnnotation).where(SeriesAnnotation.source == "crime"))
        assert (item.date, item.kind, item.reason, item.area_code) == (date(2016, 4, 1), "break", "CRIS replaced", "")


def test_annotations_bad_file_lists_every_problem_and_stores_nothing(demo_engine, database_url, tmp_path):
    load(demo_engine, "annotations", write(tmp_path / "ok.csv", NOTES))
    before = {**table_counts(demo_engine), "series_annotation": annotation_count(demo_engine)}
    bad = write(
        tmp_path / "bad_notes.csv",
        "indicator_code,source,area_code,date,kind,reason\n"
        "CSP1,,,2016-13-01,break,month 13\n"  # row 2: date
        "CSP9,,,2016-04-01,break,unknown\n"  # row 3: indicator
        "CSP1,crime,,2016-04-01,break,both\n"  # row 4: both
        ",,,2016-04-01,break,neither\n"  # row 5: neither
        ",police,,2016-04-01,break,bad source\n"  # row 6: source
        "CSP1,,,2016-04-01,pause,bad kind\n"  # row 7: kind
        "CSP1,,,2016-05-01,break,\n"  # row 8: reason
        "CSP1,,E05999999,2016-04-01,break,bad area\n"  # row 9: area
        "CSP3,,,2016-04-01,break,first\n"
        "CSP3,,,2016-04-01,break,again\n",  # row 11: duplicate
    )
    result = CliRunner().invoke(cli, ["ingest", "annotations", str(bad)], env={"DATABASE_URL": database_url})
    assert result.exit_code == 1
    out = result.output
    assert "bad_notes.csv: 9 problems found; nothing was loaded." in out
    expected = [
        ("2", "date", "2016-13-01", "not a date"),
        ("3", "indicator_code", "CSP9", "unknown indicator"),
        ("4", "source", "crime", "not both"),
        ("5", "indicator_code", "", "give the indicator"),
        ("6", "source", "police", "must be one of: crime, asb, csp-crime, marac, values"),
        ("7", "kind", "pause", "must be one of: break, note"),
        ("8", "reason", "", "must not be blank"),
        ("9", "area_code", "E05999999", "unknown area"),
        ("11", "indicator_code, source, area_code, date, kind", "", "duplicate annotation"),
    ]
    lines = [line for line in out.splitlines() if line.startswith("bad_notes.csv ")]
    for row, column, value, reason in expected:
        assert any(line.split()[1] == row and column in line and value in line and reason in line for line in lines), (
            row,
            column,
            out,
        )
    # The loader says what is wrong; the CLI, once each, which command puts it right.
    assert out.endswith(
        "Declare areas first with `cspdash ingest areas FILE`.\nLoad indicators first with `cspdash ingest indicators FILE`.\n"
    )
    assert {**table_counts(demo_engine), "series_annotation": annotation_count(demo_engine)} == before


def test_annotations_apply_by_indicator_source_and_area(demo_engine, tmp_path):
    extra = NOTES + ",crime,E05000306,2016-06-01,break,ward-only change\n"
    load(demo_engine, "annotations", write(tmp_path / "notes.csv", extra))
    with session_scope(demo_engine) as session:
        tree = AreaTree.load(session)
        ind = {i.code: i for i in session.scalars(select(Indicator))}
        tno = annotations_for(session, ind["CSP1"], "E09000016", tree)
        assert [(a.date.isoformat(), a.kind) for a in tno] == [("2015-02-01", "note"), ("2016-04-01", "break")]
        assert [b.reason for b in breaks_for(session, ind["CSP1"], "E09000016", tree)] == ["new Met crime system"]
        assert [b.reason for b in breaks_for(session, ind["DP5"], "E09000016", tree)] == [
            "new Met crime system"
        ]  # crime:BURGLARY
        assert [b.reason for b in breaks_for(session, ind["CSP3"], "E09000016", tree)] == ["ASB categories changed"]
        # A ward sees the borough's and its own; the borough does not see a ward's.
        assert [b.reason for b in breaks_for(session, ind["CSP3"], "E05000306", tree)] == ["ASB categories changed"]
        assert [b.reason for b in breaks_for(session, ind["CSP1"], "E05000306", tree)] == [
            "new Met crime system",
            "ward-only change",
        ]
        assert breaks_for(session, ind["CSP2"], "E09000016", tree) == []


def test_score_says_when_direction_of_travel_crosses_a_break(demo_engine, database_url, tmp_path):
    env = {"DATABASE_URL": database_url}
    runner = CliRunner()
    load(demo_engine, "annotations", write(tmp_path / "notes.csv", NOTES))
    out = runner.invoke(cli, ["score", "--period", "2016-17-Q3", "--format", "csv"], env=env).output
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(out))}
    # Year to date 2016/17 against 2015/16 spans 1 April 2016; Q3 against Q2 does not.
    assert rows["CSP1"]["dot_long_break"] == "1 Apr 2016: new Met crime system"
    assert rows["CSP1"]["dot_short_break"] == ""
    assert rows["DP1"]["dot_long_break"] == "1 Apr 2016: new Met crime system"
    # The ASB change on 1 October 2016 falls in Q3 2016/17: both arrows cross it.
    assert rows["CSP3"]["dot_short_break"] == rows["CSP3"]["dot_long_break"] == "1 Oct 2016: ASB categories changed"
    assert rows["CSP2"]["dot_long_break"] == ""  # MARAC: no break recorded
    data = json.loads(runner.invoke(cli, ["score", "--period", "2016-17-Q3", "--format", "json"], env=env).output)
    tno = next(r for r in data["indicators"] if r["code"] == "CSP1")
    assert "(across a series break: 1 Apr 2016: new Met crime system)" in tno["narrative"]
    table = runner.invoke(cli, ["score", "--period", "2016-17-Q3"], env=env).output
    assert "* CSP1 long-term direction crosses a series break: 1 Apr 2016: new Met crime system" in table
    # A year earlier nothing is crossed.
    earlier = runner.invoke(cli, ["score", "--period", "2015-16-Q3", "--format", "csv"], env=env).output
    assert all(r["dot_long_break"] == "" for r in csv.DictReader(io.StringIO(earlier)))


# --- pure helpers ---------------------------------------------------------------------------


def test_period_span():
    assert period_span("2016-02") == (date(2016, 2, 1), date(2016, 2, 29))
    assert period_span("2016-17-Q4") == (date(2017, 1, 1), date(2017, 3, 31))
    assert span_of(["2016-17-Q1", "2016-17-Q3"]) == (date(2016, 4, 1), date(2016, 12, 31))


def test_rebase_at_the_period_containing_the_break():
    months = ["2016-01", "2016-02", "2016-03", "2016-04"]
    assert rebase_indices(months, [date(2016, 3, 1)]) == [2]
    assert rebase_indices(months, [date(2016, 2, 15)]) == [1]  # mid-month: that month is already affected
    assert rebase_indices(months, [date(2015, 6, 1), date(2016, 1, 1), date(2017, 1, 1)]) == []
    assert rebase_indices(["2015-16-Q4", "2016-17-Q1", "2016-17-Q2"], [SeriesBreak(date(2016, 5, 1), "x")]) == [1]


@pytest.mark.parametrize(
    ("when", "crossed"),
    [
        (date(2016, 3, 31), False),
        (date(2016, 4, 1), False),
        (date(2016, 4, 2), True),
        (date(2016, 9, 30), True),
        (date(2016, 10, 1), False),
    ],
)
def test_breaks_crossed_between_two_spans(when, crossed):
    earlier, later = period_span("2016-17-Q1"), period_span("2016-17-Q2")
    b = SeriesBreak(when, "r")
    assert (breaks_crossed(earlier, later, [b]) == [b]) is crossed


def test_save_and_delete_annotation_from_the_web_are_logged(demo_engine):
    from store.annotations import delete_annotation, save_annotation
    from store.audit import recent_changes

    with session_scope(demo_engine) as session:
        item = save_annotation(session, when=date(2016, 4, 1), reason="new Met crime system", user="priya", source="crime")
        again = save_annotation(session, when=date(2016, 4, 1), reason=" CRIS replaced ", user="priya", source="crime")
        assert again.id == item.id and again.reason == "CRIS replaced"
        with pytest.raises(ValueError) as problem:
            save_annotation(
                session, when=date(2016, 4, 1), reason=" ", user="priya", indicator_code="CSP9", source="crime", kind="pause"
            )
        assert str(problem.value) == (
            "choose an indicator or a source (crime, asb, marac, values), not both or neither; unknown indicator 'CSP9'; "
            "kind must be one of: break, note; say what happened (the reason must not be blank)"
        )
        ident = item.id
    with session_scope(demo_engine) as session:
        tno = indicator_by_code(session, "CSP1")
        assert [b.reason for b in breaks_for(session, tno, "E09000016")] == ["CRIS replaced"]
        assert [a.id for a in annotations_for(session, tno, "E09000016")] == [ident]
        delete_annotation(session, ident, "priya")
    with session_scope(demo_engine) as session:
        assert session.scalar(select(func.count()).select_from(SeriesAnnotation)) == 0
        log = [(c.action, c.user, c.detail["new"]) for c in recent_changes(session, entity="annotation")]
        assert log == [("delete", "priya", None), ("edit", "priya", "CRIS replaced"), ("add", "priya", "new Met crime system")]
