"""A partnership's figures by category are kept with the coverage record (issue 23 part 3):
each load that changes them works them out again, so a scorecard's SPC charts read them
instead of summing every ward's counts, and they always equal what summing gives."""

from __future__ import annotations

from sqlalchemy import text

from rules.periods import months_between
from store.areas import AreaTree
from store.category_figures import forget_kept
from store.counts import CountFilter, kept_figures, summed_coverage
from store.db import session_scope
from store.spc_series import indicator_spc
from tests.helpers import load, write

HAVERING = "E09000016"
HAROLD_WOOD = "E05000312"  # a Havering ward of the demo
MONTHS = months_between("2014-04", "2017-03")  # the demo's
CHARTED = {"DP1": CountFilter("VIOLENCE AGAINST THE PERSON"), "DP5": CountFilter("BURGLARY")}


def kept_and_summed(engine, area: str = HAVERING) -> list[tuple[dict, dict]]:
    with session_scope(engine) as session:
        tree = AreaTree.load(session)
        return [
            (
                kept_figures(session, "crime", [area], MONTHS, selection).get(area),
                summed_coverage(session, "crime", [area], MONTHS, selection, tree)[area],
            )
            for selection in CHARTED.values()
        ]


def charts(engine) -> dict[str, tuple[list[str], list[float]]]:
    with session_scope(engine) as session:
        out = {}
        for code in CHARTED:
            chart = indicator_spc(session, code, HAVERING, "month", until="2016-17-Q3")
            out[code] = (chart.periods, chart.values)
        return out


def test_category_figures_are_kept_and_follow_every_load(demo_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    for kept, summed in kept_and_summed(demo_engine):  # the demo's load kept them
        assert kept is not None and len(kept) == len(MONTHS)
        assert kept == summed
    shown = charts(demo_engine)
    ((_, before),) = kept_and_summed(demo_engine)[1:]
    ((ward_kept, ward_before),) = kept_and_summed(demo_engine, HAROLD_WOOD)[1:]
    assert ward_kept is None  # only partnerships' figures are kept: a ward's are summed

    # A re-load revising Harold Wood's burglaries in March 2017, and nothing else left in it
    # (a re-load replaces the area-months it covers).
    header = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,201703\n"
    path = write(tmp_path / "revised.csv", header + f"BURGLARY,BURGLARY - RESIDENTIAL,Harold Wood,{HAROLD_WOOD},Havering,92\n")
    load(demo_engine, "crime", path)
    after = kept_and_summed(demo_engine)
    for kept, summed in after:
        assert kept == summed
    burglary = after[1][0]
    assert burglary["2017-03"].value == before["2017-03"].value - ward_before["2017-03"].value + 92
    assert {m: c for m, c in burglary.items() if m != "2017-03"} == {m: c for m, c in before.items() if m != "2017-03"}

    # The charts a scorecard shows are the same whether read from the kept figures or summed.
    with_kept = charts(demo_engine)
    with session_scope(demo_engine) as session:
        forget_kept(session, ["crime"])
        assert session.execute(text("SELECT count(*) FROM category_figure")).scalar() == 0
    assert charts(demo_engine) == with_kept
    assert with_kept["DP5"][0] == shown["DP5"][0]  # same months: the revision is after 2016-17-Q3
