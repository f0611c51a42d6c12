"""Issue 19, parts 1 and 5: a stub month never overwrites a real one, a drop needs a
confirmation, and the upload check of a London-wide file reads by borough.

The Met's rolling ward file opens with a stub month (47 offences for all of London in March
2024 against a median of 74,374.5 in its other 24 months). Loaded as figures, next month's
file (whose stub is the month this one held in full) overwrote complete figures with it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from loaders.errors import LoadError
from loaders.month_checks import DropsNotConfirmed
from loaders.summary import LoadSummary
from rules.stub_months import Drop, StubMonth, drops, stub_months
from store.counts import monthly_counts
from store.db import session_scope
from store.models import AreaMonthCoverage, CrimeCount, IncompleteInSource
from tests.conftest import DEMO_MET_WARDS, MET_WARD_FILE, template_fill
from tests.helpers import load, text
from web.parts import upload_steps as steps

WARD_FILE = "crime/mps_ward_level_crime_most_recent_24_months_202403-202603.csv"
HAVERING = "E09000016"
LONDON = "E12000007"
STUB_SENTENCE = (
    "March 2024 holds 47 offences against a median of 74,375 in the file's other months: "
    "treated as incomplete; the figures held for it are kept."
)


# ----- the rules, on plain numbers -------------------------------------------------------


def test_stub_rule_finds_a_month_far_below_the_median_of_the_others():
    totals = {"2024-03": 47, "2024-04": 70_000, "2024-05": 74_000, "2024-06": 80_000}
    assert stub_months(totals) == [StubMonth("2024-03", 47, 74_000.0)]
    assert stub_months({**totals, "2024-03": 14_799}) == [StubMonth("2024-03", 14_799, 74_000.0)]
    assert stub_months({**totals, "2024-03": 14_800}) == []  # 20% of the median is not under it
    assert stub_months({**totals, "2024-03": 14_799}, share=0.1) == []


def test_stub_rule_needs_three_months():
    assert stub_months({"2024-03": 47, "2024-04": 70_000}) == []


def test_stub_sentence_reads_as_the_issue_asks():
    assert StubMonth("2024-03", 47, 74_374.5).sentence() == STUB_SENTENCE


@pytest.mark.parametrize(("value", "share"), [(None, 0.2), ("", 0.2), ("0.1", 0.1), ("0", 0.0)])
def test_stub_share_setting(value, share):
    from settings import Settings

    assert Settings.from_env({} if value is None else {"CSPDASH_STUB_MONTH_SHARE": value}).stub_month_share == share


@pytest.mark.parametrize("value", ["1.5", "-0.1", "a fifth"])
def test_stub_share_setting_refuses_what_is_not_a_share(value):
    from settings import Settings

    with pytest.raises(ValueError, match="expected a share between 0 and 1"):
        Settings.from_env({"CSPDASH_STUB_MONTH_SHARE": value})


def test_drop_rule_counts_areas_falling_by_more_than_half():
    held = {(f"W{i}", "2015-04"): 100.0 for i in range(100)}
    # 5 of 100 falling is not more than 5%: no drop; 6 is.
    five = {k: (10.0 if int(k[0][1:]) < 5 else 100.0) for k in held}
    assert drops(held, five, 100, "wards") == []
    six = {k: (10.0 if int(k[0][1:]) < 6 else 100.0) for k in held}
    assert drops(held, six, 100, "wards") == [Drop("2015-04", 6, 100, 600, 60, "wards")]
    assert drops(held, six, 100, "wards")[0].sentence() == "April 2015: 6 wards would fall by 90.0%"
    # Exactly half is not "more than half"; a month the file does not give cannot fall.
    assert drops(held, {k: 50.0 for k in held}, 100) == []
    assert drops(held, {}, 100) == []


def test_drop_sentence_never_rounds_up_to_all():
    assert Drop("2015-04", 678, 678, 57_505, 64, "wards").sentence() == "April 2015: 678 wards would fall by 99.8%"
    assert Drop("2015-04", 678, 678, 100_000, 4, "wards").sentence() == "April 2015: 678 wards would fall by 99.9%"


# ----- two consecutive files in the Met's wide ward layout --------------------------------


def _met_months(first: str, count: int) -> list[str]:
    return [p.strftime("%Y%m") for p in pd.period_range(first, periods=count, freq="M")]


def _consecutive_file(source: pd.DataFrame, real_months: list[str], first: str, tmp_path, name: str) -> tuple:
    """The real ward file's rows and layout, 25 month columns from ``first``: the first a stub
    (~0.06% of a normal month), the others complete. Each month's figures are a real month's
    (the same calendar month of each file holds the same figures), so files agree where they overlap."""
    months = _met_months(first, 25)
    frame = source[["MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName"]].copy()
    for month in months:
        index = (pd.Period(month, freq="M") - pd.Period("201503", freq="M")).n % 24
        values = source[real_months[index]].to_numpy()
        frame[month] = values
    # The stub: a handful of offences, as the Met's file opens with.
    stub = np.zeros(len(frame), dtype=int)
    stub[np.argsort(-frame[months[1]].to_numpy())[: max(1, len(frame) // 300)]] = 1
    frame[months[0]] = stub
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path, frame, months


@pytest.fixture(scope="module")
def ward_source(shared_data) -> tuple[pd.DataFrame, list[str]]:
    source = pd.read_csv(shared_data / WARD_FILE)
    return source, [c for c in source.columns if c.isdigit()][1:]  # the 24 complete months


def test_consecutive_files_keep_the_complete_figures_the_first_held(engine, ward_source, tmp_path):
    source, real = ward_source
    first, frame1, months1 = _consecutive_file(source, real, "2015-03", tmp_path, "mps_ward_201503-201703.csv")
    second, frame2, months2 = _consecutive_file(source, real, "2015-04", tmp_path, "mps_ward_201504-201704.csv")
    assert frame1[months1[0]].sum() / frame1[months1[1:]].sum().median() < 0.001  # ~0.06%: the Met's shape

    one = load(engine, "crime", first)
    assert one.periods[0] == "2015-04" and len(one.periods) == 24
    assert one.incomplete and one.incomplete[0].startswith("March 2015 holds ")
    two = load(engine, "crime", second)  # no drop to confirm: a stub month replaces nothing
    assert two.incomplete and two.incomplete[0].startswith("April 2015 holds ")

    havering = frame1[frame1["LookUp_BoroughName"] == "Havering"]
    full = int(havering["201504"].sum())
    assert full > 1_000  # a complete month, not the stub's handful
    with session_scope(engine) as session:
        assert monthly_counts(session, "crime", HAVERING, ["2015-04"]) == {"2015-04": full}
        assert monthly_counts(session, "crime", LONDON, ["2015-04"]) == {"2015-04": int(frame1["201504"].sum())}
        # March 2015 came only as a stub: no figure (not 0), marked incomplete in the source.
        assert monthly_counts(session, "crime", HAVERING, ["2015-03"]) == {}
        assert session.scalar(select(func.count()).select_from(CrimeCount).where(CrimeCount.month == "2015-03")) == 0
        marked = session.scalar(select(func.count()).select_from(IncompleteInSource).where(IncompleteInSource.month == "2015-03"))
        assert marked == 678 + 1  # every ward, and the airports unit
        # April 2015 is held in full: no mark stands for it.
        assert not session.scalar(
            select(func.count()).select_from(IncompleteInSource).where(IncompleteInSource.month == "2015-04")
        )
        # The last month of the second file is new and complete.
        assert monthly_counts(session, "crime", HAVERING, ["2017-04"]) == {
            "2017-04": int(frame2.loc[frame2["LookUp_BoroughName"] == "Havering", "201704"].sum())
        }


# ----- the real 24-month file on its own ----------------------------------------------------


def test_real_ward_file_march_2024_is_incomplete_not_zero(demo_met_wards_engine, shared_data):
    # The real file loaded into the demo as a first upload: the load that made this database's
    # template (a clone of the demo's, so the same load on the same figures), and its summary.
    demo_engine = demo_met_wards_engine
    assert MET_WARD_FILE == WARD_FILE  # the file the template loaded
    summary = template_fill(DEMO_MET_WARDS, demo_engine)
    assert isinstance(summary, LoadSummary)
    assert summary.incomplete == [STUB_SENTENCE]
    assert f"  incomplete in source: {STUB_SENTENCE}" in summary.lines()
    assert summary.periods[0] == "2024-04" and len(summary.periods) == 24
    with session_scope(demo_engine) as session:
        assert monthly_counts(session, "crime", HAVERING, ["2024-03", "2024-04"]).keys() == {"2024-04"}
        record = {
            (a, p): c
            for a, p, c in session.execute(
                select(AreaMonthCoverage.area_code, AreaMonthCoverage.period, AreaMonthCoverage.covered_by).where(
                    AreaMonthCoverage.source == "crime", AreaMonthCoverage.period == "2024-03"
                )
            )
        }
        assert record[(HAVERING, "2024-03")] == "incomplete in source file"
        assert record[(LONDON, "2024-03")] == "incomplete in source file"
        assert record[("E05013969", "2024-03")] == "incomplete in source file"  # a Havering ward (2022 boundaries)

        from store.spc_series import indicator_spc

        spc = indicator_spc(session, "CSP1", HAVERING, "month")
    # No point for the stub month: the series after the demo's years starts in April 2024.
    assert "2024-03" not in spc.periods and spc.periods[spc.periods.index("2017-03") + 1] == "2024-04"

    # Re-loading the same file changes nothing and asks nothing.
    again = load(demo_engine, "crime", shared_data / WARD_FILE)
    assert again.drops == [] and again.incomplete == [STUB_SENTENCE]


def test_real_ward_file_check_summarises_by_borough(engine, shared_data):
    data = (shared_data / WARD_FILE).read_bytes()
    outcome = steps.check_upload(engine, "crime", "ward.csv", data, "priya")
    assert outcome.ok
    summary = outcome.summary
    havering = next(b for b in summary.boroughs if b["code"] == HAVERING)
    source = pd.read_csv(shared_data / WARD_FILE)
    rows = source[source["LookUp_BoroughName"] == "Havering"]
    fy = [c for c in source.columns if c.isdigit() and "202504" <= c <= "202603"]
    assert havering["wards"] == rows["WardCode"].nunique() == 20
    assert havering["months"] == "April 2024 to March 2026 (24)"
    assert f"2025/26: {int(rows[fy].to_numpy().sum()):,}" in havering["years"]
    assert "March 2024 incomplete in source file" in havering["unusual"] and "20 new wards" in havering["unusual"]
    assert len(summary.area_rows) == 679
    page = text(steps.render_check(outcome))
    assert STUB_SENTENCE in page
    assert "678 new: listed under Every area in the file" in page
    assert "E05013969" not in page.split("Every area in the file")[0]  # no wall of ward codes above the summary


# ----- a real drop: refused, then confirmed -------------------------------------------------


def _dropping_file(shared_data, tmp_path):
    """The real file again with October 2025 at 30% of what it held for every ward: not a
    stub (over 20% of the median month) but a fall of more than half for every ward."""
    source = pd.read_csv(shared_data / WARD_FILE)
    source["202510"] = (source["202510"] * 0.3).round().astype(int)
    path = tmp_path / "mps_ward_revised.csv"
    source.to_csv(path, index=False)
    return path, source


def _held(engine, month: str) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.sum(CrimeCount.count)).where(CrimeCount.month == month))


def test_cli_refuses_a_drop_without_accept_drops_then_stores_it(met_wards_engine, database_url, shared_data, tmp_path):
    from cli.main import cli

    engine = met_wards_engine  # the real ward file held already
    before = _held(engine, "2025-10")
    path, source = _dropping_file(shared_data, tmp_path)
    runner = CliRunner()
    refused = runner.invoke(cli, ["ingest", "crime", str(path)], env={"DATABASE_URL": database_url})
    assert refused.exit_code == 1
    assert "would fall by more than half in 1 month; nothing was loaded" in refused.output
    assert "--accept-drops" in refused.output
    assert re.search(r"October 2025: 678 wards would fall by (69|70)\.\d%", refused.output)
    assert _held(engine, "2025-10") == before
    accepted = runner.invoke(cli, ["ingest", "crime", str(path), "--accept-drops"], env={"DATABASE_URL": database_url})
    assert accepted.exit_code == 0, accepted.output
    assert re.search(r"drop accepted: October 2025: 678 wards would fall by (69|70)\.\d%", accepted.output)
    assert _held(engine, "2025-10") == int(source["202510"].sum())


def test_upload_page_lists_a_drop_and_stores_it_only_when_confirmed(met_wards_engine, shared_data, tmp_path):
    engine = met_wards_engine  # the real ward file held already
    before = _held(engine, "2025-10")
    path, source = _dropping_file(shared_data, tmp_path)
    data = path.read_bytes()
    checked = steps.check_upload(engine, "crime", path.name, data, "priya")
    assert (
        checked.ok
        and checked.summary.drops
        and re.match(r"October 2025: 678 wards would fall by (69|70)\.\d%$", checked.summary.drops[0])
    )
    assert "Figures that would fall by more than half" in text(steps.render_check(checked))
    refused = steps.load_upload(engine, "crime", path.name, data, "priya")
    assert isinstance(refused.error, DropsNotConfirmed)
    assert "nothing was loaded" in text(steps.render_check(refused))
    assert _held(engine, "2025-10") == before
    stored = steps.load_upload(engine, "crime", path.name, data, "priya", accept_drops=True)
    assert stored.ok
    assert _held(engine, "2025-10") == int(source["202510"].sum())


def test_counts_command_says_incomplete_in_source_file(met_wards_engine, database_url, shared_data):
    from cli.main import cli

    args = ["counts", "--source", "crime", "--area", HAVERING, "--from", "2024-03", "--to", "2024-04", "--format", "csv"]
    result = CliRunner().invoke(cli, args, env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith(f"{HAVERING},Havering,2024-03,,incomplete in source file,incomplete in source file (upload ")
    assert lines[2].startswith(f"{HAVERING},Havering,2024-04,") and lines[2].split(",")[4] == "complete"
    table = CliRunner().invoke(cli, args[:-2], env={"DATABASE_URL": database_url})
    assert "incomplete in source file" in table.output


def test_long_form_drop_is_refused_and_problems_come_first(met_wards_engine, shared_data, tmp_path):
    """The drop rule holds for any layout; a file with problems lists them, not its drops."""
    engine = met_wards_engine  # the real ward file held already
    source = pd.read_csv(shared_data / WARD_FILE)
    wards = source.loc[
        source["LookUp_BoroughName"] != "Aviation Security (SO18)", "WardCode"
    ].unique()  # the airports unit's rows are no ward
    rows = [f"{code},2025-10,THEFT,SHOPLIFTING,0" for code in wards]
    header = "area_code,month,major_category,minor_category,count\n"
    broken = tmp_path / "long_broken.csv"
    broken.write_text(header + "\n".join([*rows, f"{wards[0]},2025-10,THEFT,OTHER THEFT,x"]) + "\n")
    with pytest.raises(LoadError) as caught:
        load(engine, "crime", broken)
    assert not isinstance(caught.value, DropsNotConfirmed)
    assert [(p.column, p.value) for p in caught.value.problems] == [("count", "x")]
    clean = tmp_path / "long.csv"
    clean.write_text(header + "\n".join(rows) + "\n")
    before = _held(engine, "2025-10")
    with pytest.raises(DropsNotConfirmed) as refused:
        load(engine, "crime", clean)
    assert refused.value.drops[0].sentence() == f"October 2025: {len(wards)} areas would fall by 100.0%"
    assert _held(engine, "2025-10") == before
    load(engine, "crime", clean, accept_drops=True)
    airports = int(source.loc[source["LookUp_BoroughName"] == "Aviation Security (SO18)", "202510"].sum())
    assert _held(engine, "2025-10") == airports  # every ward now 0; the airports unit, not in the file, as it was
