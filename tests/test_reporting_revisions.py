"""Revisions on plain values, with no database: which fields of a stored scorecard row count as
changed (numbers to within rounding, targets by value), how each is worded, and what the
report says about them; ``store.revisions`` finds what changed them (test_publishing.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from reporting.published_document import row_document
from reporting.revisions import (
    ChangeSource,
    Revision,
    RevisionReport,
    changed_fields,
    compare_rows,
    same_figure,
    series_revisions,
    unique_sources,
)
from reporting.workflow import VersionInfo
from rules.periods import Quarter
from rules.rating import Rating, Target, ToleranceType
from tests.test_reporting_workflow import row

Q3 = Quarter.parse("2016-17-Q3")
JAN_17 = datetime(2017, 1, 17, 10, tzinfo=UTC)
FEB_1 = datetime(2017, 2, 1, 9, tzinfo=UTC)
UPLOAD_7 = ChangeSource(FEB_1, "lee", "upload 7 (crime): oct.csv", 7, "oct.csv", "crime")


class Finder:
    """Blames every change on upload 7; CSP9 was retired, anything else unknown is undefined."""

    def sources(self, code: str, row: dict[str, Any], field_name: str) -> list[ChangeSource]:
        return [UPLOAD_7]

    def definition_sources(self, code: str | None = None, fields: tuple[str, ...] | None = None) -> list[ChangeSource]:
        return []

    def retired(self, code: str) -> bool | None:
        return True if code == "CSP9" else None


def stored(**kwargs: Any) -> dict[str, Any]:
    return row_document(row(**kwargs))


def test_revisions_numbers_compare_to_within_rounding_and_targets_by_value() -> None:
    assert same_figure("ytd_value", 13143.0, 13143.0000000001) and not same_figure("ytd_value", 13143.0, 13168.0)
    assert same_figure("ytd_value", None, None) and not same_figure("ytd_value", None, 1.0)
    assert same_figure("target", {"target": 1.0, "low": None, "high": None, "tolerance": 9}, {"target": 1.0})
    assert not same_figure("tolerance", {"tolerance": 2.0, "tolerance_type": "pct"}, {"tolerance": 2.0, "tolerance_type": "abs"})
    assert same_figure("commentary", None, "")


def test_revisions_lists_each_changed_field_worded_as_the_scorecard_words_it() -> None:
    target = Target(13000.0, tolerance=2.0, tolerance_type=ToleranceType.PCT)
    old = stored(actual=13143.0, ytd_value=13143.0, quarter_value=4400.0, target=target, rag=Rating.AMBER)
    new = stored(actual=13168.0, ytd_value=13168.0, quarter_value=4425.0, target=target, rag=Rating.RED)
    assert changed_fields(old, new) == ["quarter_value", "ytd_value", "rag"]
    found = compare_rows([old], [new], Finder())
    assert [(r.field, r.published_text, r.current_text, r.rated_figure) for r in found] == [
        ("quarter_value", "4,400", "4,425", False),
        ("ytd_value", "13,143", "13,168", True),  # rated on the year to date
        ("rag", "Amber", "Red", False),
    ]
    assert found[1].sources_text == "upload 7 (crime): oct.csv" and found[1].upload_ids == [7] and found[1].changed_at == FEB_1
    info = VersionInfo(Q3.key, "E09000016", 1, "lee", JAN_17, "", "", False, "", "0" * 64)
    report = RevisionReport(Q3, "E09000016", info, found)
    assert [(c.code, c.published, c.current) for c in report.rating_changes] == [("CSP1", Rating.AMBER, Rating.RED)]
    assert (
        report.note(report.revised("CSP1", "ytd_value")) == "revised since publication on 17 January 2017: was 13,143, now 13,168"
    )
    assert report.revised("CSP1", "target") is None and len(report.for_indicator("CSP1")) == 3


def test_revisions_an_indicator_retired_dropped_or_added_since() -> None:
    published = [stored(code="CSP9", name="Old measure"), stored(code="CSP8", name="Dropped")]
    current = [stored(code="CSP7", name="New measure")]
    found = compare_rows(published, current, Finder())
    assert [(r.code, r.published_text, r.current_text) for r in found] == [
        ("CSP9", "Old measure", "retired (its history and published versions are kept)"),
        ("CSP8", "Dropped", "no longer defined"),
        ("CSP7", "not defined", "New measure"),
    ]


def test_revisions_one_source_per_upload_in_time_order() -> None:
    earlier = ChangeSource(JAN_17, "lee", "target edited on the web by lee")
    again = ChangeSource(datetime(2017, 2, 2, tzinfo=UTC), "lee", "upload 7 (crime): oct.csv", 7, "oct.csv", "crime")
    assert unique_sources([UPLOAD_7, earlier, again]) == [earlier, again]
    assert ChangeSource.from_dict(UPLOAD_7.as_dict()) == UPLOAD_7
    assert Revision("CSP1", "x", "name", "Indicator name", "a", "b", "a", "b").sources_text == "not recorded"


def test_revisions_of_an_indicator_pages_series() -> None:
    published = [SimpleNamespace(period="2016-17-Q2", unit="count", quarter_value=4400.0, ytd_value=8800.0)]
    current = [SimpleNamespace(period="2016-17-Q2", unit="count", quarter_value=4425.0, ytd_value=8800.0)]
    assert [(r.quarter, r.field, r.published_text, r.current_text) for r in series_revisions(published, current)] == [
        ("2016-17-Q2", "quarter_value", "4,400", "4,425")
    ]
    assert [r.field for r in series_revisions(published, [])] == ["quarter_value", "ytd_value"]


def test_revisions_a_target_edit_counts_where_its_target_applies() -> None:
    from reporting.edits import TargetKey, target_label_applies

    every_area = TargetKey("CSP1", "2016-17", 3, None).label()
    whole_year = TargetKey("CSP1", "2016-17", None, "E09000016").label()
    assert (every_area, whole_year) == ("CSP1 2016-17 Q3 every area", "CSP1 2016-17 every quarter E09000016")
    assert target_label_applies(every_area, "2016-17", 3, "E09000016") and target_label_applies(
        whole_year, "2016-17", 3, "E09000016"
    )
    assert not target_label_applies(every_area, "2016-17", 2, "E09000016")
    assert not target_label_applies(whole_year, "2016-17", 3, "E09000001")
    assert not target_label_applies(every_area, "2017-18", 3, "E09000016") and not target_label_applies("CSP1", "2016-17", 3, "x")


def test_revisions_an_annual_target_edit_counts_for_every_quarter_of_its_year() -> None:
    from reporting.edits import annual_label, target_label_applies

    everywhere, havering = annual_label("CSP1", "2016-17", None), annual_label("CSP1", "2016-17", "E09000016")
    assert (everywhere, havering) == ("CSP1 2016-17 year every area", "CSP1 2016-17 year E09000016")
    assert all(target_label_applies(everywhere, "2016-17", q, "E09000001") for q in (1, 2, 3, 4))
    assert target_label_applies(havering, "2016-17", 4, "E09000016") and not target_label_applies(
        havering, "2016-17", 4, "E09000001"
    )
    assert not target_label_applies(everywhere, "2017-18", 1, "E09000016")
