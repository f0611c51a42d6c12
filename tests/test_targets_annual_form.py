"""The targets page's "Set the whole year" form (#22 part 1), on both databases: the quarters an
annual target gives shown before saving (even, custom; a ratio not spread), a seasonal profile
short of years refused saying why, bad input refused naming the field with nothing stored, a
save that records who, when and the change, and the overview listing the year's annual targets.
In Chromium at 1366 and 390 px: the quarters appear as you type, the save lands, axe is clean."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from rules.periods import FinancialYear, Quarter
from store.db import session_scope
from store.models import AnnualTarget, InputChange, Target
from store.scorecard import build_scorecard
from tests.conftest import serious_axe_violations
from web.parts import annual_target_form as annual
from web.parts import targets_overview as overview

HOME = "E09000016"
NOW = datetime(2017, 1, 20, 14, 5, tzinfo=UTC)
CUSTOM = "0.1; 0.1; 0.1; 0.05; 0.05; 0.05; 0.1; 0.1; 0.1; 0.0833; 0.0833; 0.0834"


def sub(**changes) -> annual.AnnualSubmission:
    values = {
        "indicator": "CSP1",
        "year": "2016-17",
        "area": HOME,
        "scope": "all",
        "target": "16,000",
        "tolerance": "2.5",
        "tolerance_type": "pct",
        "profile": "even",
        "shares": "",
    }
    values.update(changes)
    return annual.AnnualSubmission(**values)


def _drop_typed(engine, code: str = "CSP1") -> None:
    with session_scope(engine) as session:
        session.execute(delete(Target).where(Target.indicator_code == code, Target.year == "2016-17"))


def test_annual_form_shows_the_quarters_before_saving(demo_engine) -> None:
    shown = annual.preview(demo_engine, sub())
    assert shown.problems == []
    assert shown.quarters == [
        ("Q1 (year to date)", "4,000"),
        ("Q2 (year to date)", "8,000"),
        ("Q3 (year to date)", "12,000"),
        ("Q4 (year to date)", "16,000"),
    ]
    custom = annual.preview(demo_engine, sub(target="10000", profile="custom", shares=CUSTOM))
    assert [v for _, v in custom.quarters] == ["3,000", "4,500", "7,500", "10,000"]
    assert custom.shares_text.startswith("Apr 10.0%, May 10.0%, Jun 10.0%, Jul 5.0%")
    with session_scope(demo_engine) as session:
        assert not session.scalars(select(AnnualTarget)).all(), "a preview stores nothing"


def test_annual_form_does_not_spread_a_percentage() -> None:
    # The demo rates no percentage against a target (CSP2 is a band): an indicator as the page reads it.
    from types import SimpleNamespace

    rate = SimpleNamespace(code="X1", unit="percent", polarity="higher", basis="quarter")
    values, shown = annual.work_out(None, rate, FinancialYear(2016), HOME, sub(indicator="X1", target="30"))  # type: ignore[arg-type]
    assert values is not None and values["target"] == 30 and values["profile"] == "even"
    assert [v for _, v in shown.quarters] == ["30.0%"] * 4


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"target": "sixteen"}, "target", "The annual target must be a number"),
        ({"target": ""}, "target", "Enter the annual target."),
        ({"tolerance": "-1"}, "tolerance", "The tolerance cannot be negative"),
        (
            {"profile": "custom", "shares": "0.5; 0.5"},
            "shares",
            "a custom profile needs 12 monthly shares (April to March), not 2",
        ),
        ({"profile": "custom", "shares": "0.1; " * 11 + "0.1"}, "shares", "the 12 shares sum to 1.2, not 1"),
        ({"profile": "seasonal"}, "profile", "a seasonal profile needs 3 complete years of monthly figures; 2 are held"),
        ({"indicator": "CSP2"}, "choice", "CSP2 is rated against a band"),
    ],
)
def test_annual_form_refuses_bad_input_naming_the_field_and_stores_nothing(demo_engine, changes, field, words) -> None:
    result = annual.save(demo_engine, sub(**changes), "priya", NOW)
    assert not result.saved
    assert [f for f, _ in result.problems] == [field] and words in result.problems[0][1], result.problems
    with session_scope(demo_engine) as session:
        assert not session.scalars(select(AnnualTarget)).all()
        assert not session.scalars(select(InputChange).where(InputChange.key.like("% year %"))).all()


def test_annual_form_save_rates_the_quarters_records_the_change_and_lists_it(demo_engine) -> None:
    _drop_typed(demo_engine)
    result = annual.save(demo_engine, sub(profile="custom", target="10000", shares=CUSTOM), "priya", NOW)
    assert result.saved and result.message == "Saved the 2016/17 annual target for CSP1, every area, spread custom."
    assert result.state is not None and result.state.note.startswith("Annual target last saved by priya")
    with session_scope(demo_engine) as session:
        row = next(r for r in build_scorecard(session, Quarter.parse("2016-17-Q3"), HOME).rows if r.code == "CSP1")
        assert row.target is not None and row.target.target == pytest.approx(7500)
        change = session.scalars(select(InputChange).where(InputChange.key == "CSP1 2016-17 year every area")).one()
        assert change.by == "priya" and change.detail["new"]["target"] == 10000 and change.detail["old"] is None
        listed = overview.annual_overview(session, FinancialYear(2016), HOME)
    assert [(r.code, r.area, r.target, r.profile, r.problem) for r in listed] == [
        ("CSP1", "every area", "10,000, tolerance 2.5%", "custom", "")
    ]
    again = annual.save(demo_engine, sub(profile="custom", target="10000", shares=CUSTOM), "sam", NOW)
    assert not again.saved and again.message.startswith("Nothing had changed")
    with session_scope(demo_engine) as session:
        assert session.scalars(select(AnnualTarget)).one().updated_by == "priya"


def test_annual_overview_says_why_a_seasonal_target_gives_no_quarters(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        session.add(
            AnnualTarget(
                indicator_code="CSP1",
                year="2016-17",
                target=16000,
                tolerance=0,
                tolerance_type="abs",
                profile="seasonal",
                area_code=HOME,
            )
        )
    with session_scope(demo_engine) as session:
        listed = overview.annual_overview(session, FinancialYear(2016), HOME)
        state = annual.load_annual(session, "CSP1", FinancialYear(2016), HOME)
    assert (
        listed[0].area != "every area"
        and listed[0].problem == "a seasonal profile needs 3 complete years of monthly figures; 2 are held"
    )
    assert state.scope == "area" and state.preview.problems and "2 are held" in state.preview.problems[0][1]


@pytest.fixture(params=[1366, 390], ids=["1366px", "390px"])
def width(request) -> int:
    return request.param


def test_annual_form_in_browser(web_live, web_browser, demo_engine, width) -> None:
    page = web_browser
    page.set_viewport_size({"width": width, "height": 900})
    _drop_typed(demo_engine)
    page.goto(f"{web_live}/login?next=/targets%3Findicator%3DCSP1%26period%3D2016-17-Q3")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#targets-annual-save")
    assert "No annual targets are set for 2016/17" in page.locator("#targets-annual-list").inner_text()

    page.get_by_label("Annual target", exact=True).fill("16,000")
    page.wait_for_selector("#targets-annual-quarters")
    assert "Q3 (year to date)\t12,000" in page.locator("#targets-annual-quarters").inner_text()
    page.get_by_label("Spread over the year").select_option("custom")
    page.get_by_label("Custom shares (custom profile only)").fill(CUSTOM)
    # Q2's year to date: 16,000 × 0.45 by the custom shares, where the even profile gave 8,000.
    page.wait_for_function("() => (document.getElementById('targets-annual-preview').innerText || '').includes('7,200')")
    assert "Q2 (year to date)\t7,200" in page.locator("#targets-annual-quarters").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_axe_violations(page) == []

    page.get_by_role("button", name="Set the annual target").click()
    page.wait_for_selector("#targets-annual-saved")
    assert (
        page.locator("#targets-annual-saved").inner_text()
        == "Saved the 2016/17 annual target for CSP1, every area, spread custom."
    )
    with session_scope(demo_engine) as session:
        stored = session.scalars(select(AnnualTarget)).one()
        assert (stored.target, stored.profile, stored.updated_by) == (16000, "custom", "priya")
    page.reload()
    page.wait_for_selector("#targets-annual-save")
    assert (
        "CSP1" in page.locator("#targets-annual-list").inner_text()
        and "custom" in page.locator("#targets-annual-list").inner_text()
    )
    assert page.get_by_label("Annual target", exact=True).input_value() == "16000"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_axe_violations(page) == []
    assert page.console_errors == []


def test_the_quarter_form_and_the_overview_show_the_targets_an_annual_target_gives(demo_engine) -> None:
    from web.parts import targets_form as form

    _drop_typed(demo_engine)
    assert annual.save(demo_engine, sub(), "priya", NOW).saved  # 16,000, even, tolerance 2.5%
    with session_scope(demo_engine) as session:
        state = form.load_form(session, "CSP1", Quarter.parse("2016-17-Q3"), HOME)
        grid = {r.code: r for r in overview.year_overview(session, FinancialYear(2016), HOME, Quarter(2016, 3))}
    assert state.target == "", "the quarter form types nothing on the analyst's behalf"
    assert state.target_note == (
        "No target is typed for Q3 2016/17: the 2016/17 annual target gives it 12,000, tolerance 2.5%. "
        "A target saved here replaces it for Q3 only."
    )
    assert state.rating is not None and state.rating.target is not None and state.rating.target.target == pytest.approx(12_000)
    assert [c.target for c in grid["CSP1"].cells] == [
        f"{v}, tolerance 2.5% (from the annual target)" for v in ("4,000", "8,000", "12,000", "16,000")
    ]
    assert grid["CSP1"].missing == []
