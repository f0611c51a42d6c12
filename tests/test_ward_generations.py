"""Issue 19 part 3: ward generations. A borough-month is covered by one generation of wards
only: the demo's 18 Havering wards (2002-2022) stand in for old wards, and a generated file in
the Met's layout keyed to the 20 current (2022) wards, as the Met keys its whole history, holds
the same months again. Summed, Havering's Q3 2016/17 year to date would be counted twice."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from demo.met_history import months_between
from rules.ward_generations import chosen_generation, generation_label, generation_of
from store.counts import monthly_counts, monthly_coverage_many
from store.coverage_record import computed_coverage, recorded_coverage
from store.db import session_scope
from store.models import Area
from tests.helpers import load

HAVERING = "E09000016"
LONDON = "E12000007"
DEMO_YTD_Q3 = 13143  # the demo's Havering Q3 2016/17 year to date (the published report)
YTD_MONTHS = [f"2016-{m:02d}" for m in range(4, 13)]
# Havering's 20 wards since May 2022 (the Met keys its whole history to them).
CURRENT_WARDS = [
    ("Beam Park", "E05013967"), ("Cranham", "E05013968"), ("Elm Park", "E05013969"), ("Emerson Park", "E05013970"),
    ("Gooshays", "E05013971"), ("Hacton", "E05013972"), ("Harold Wood", "E05013973"),
    ("Havering-atte-Bower", "E05013974"), ("Heaton", "E05013975"), ("Hylands & Harrow Lodge", "E05013976"),
    ("Marshalls & Rise Park", "E05013977"), ("Mawneys", "E05013978"), ("Rainham & Wennington", "E05013979"),
    ("Rush Green & Crowlands", "E05013980"), ("St Alban's", "E05013981"), ("St Andrew's", "E05013982"),
    ("St Edward's", "E05013983"), ("South Hornchurch", "E05013984"), ("Squirrels Heath", "E05013985"),
    ("Upminster", "E05013986"),
]  # fmt: skip
CATEGORIES = [
    ("THEFT", "OTHER THEFT"),
    ("BURGLARY", "BURGLARY - RESIDENTIAL"),
    ("VIOLENCE AGAINST THE PERSON", "VIOLENCE WITH INJURY"),
]
# The Met's two ward layouts: the 24-month extract's and the historical file's column order.
LAYOUTS = {
    "24-month": ["MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName"],
    "historical": ["WardName", "WardCode", "MajorText", "MinorText", "LookUp_BoroughName"],
}


def current_wards_file(path, layout: str, first: str = "2014-04", last: str = "2017-03", seed: int = 3):
    """Havering's 20 current wards in the Met's layout, about as much crime as the demo's wards."""
    months = months_between(first, last)
    rows = [
        {"WardName": name, "WardCode": code, "MajorText": major, "MinorText": minor, "LookUp_BoroughName": "Havering"}
        for name, code in CURRENT_WARDS
        for major, minor in CATEGORIES
    ]
    counts = np.random.default_rng(seed).poisson(24.0, size=(len(rows), len(months)))
    frame = pd.concat([pd.DataFrame(rows)[LAYOUTS[layout]], pd.DataFrame(counts, columns=months)], axis=1)
    frame.to_csv(path, index=False)
    return frame


def havering_ytd(engine) -> int:
    with session_scope(engine) as session:
        held = monthly_counts(session, "crime", HAVERING, YTD_MONTHS)
    assert sorted(held) == YTD_MONTHS
    return sum(held.values())


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_two_generations_of_wards_for_the_same_months_are_never_summed(demo_engine, tmp_path, layout):
    assert havering_ytd(demo_engine) == DEMO_YTD_Q3
    frame = current_wards_file(tmp_path / "mps_ward_level_crime_historical.csv", layout)
    met_ytd = int(frame[[m.replace("-", "") for m in YTD_MONTHS]].to_numpy().sum())
    summary = load(demo_engine, "crime", tmp_path / "mps_ward_level_crime_historical.csv")
    # The most recent load's generation covers the months: the 20 current wards, once.
    assert havering_ytd(demo_engine) == met_ytd != met_ytd + DEMO_YTD_Q3
    assert (
        "Havering April 2014 – March 2017: held for 18 pre-2022 wards; this file has them for the 20 current wards, "
        "which will be used from now on"
    ) in summary.notes
    with session_scope(demo_engine) as session:
        vintages = {a.code: a.boundary_vintage for a in session.scalars(select(Area).where(Area.parent_code == HAVERING))}
        covered = monthly_coverage_many(session, "crime", [HAVERING, LONDON], ["2016-10"])
        # The recorded coverage (what `cspdash counts` shows) agrees with a fresh computation.
        assert recorded_coverage(session, "crime") == computed_coverage(session, "crime")
    assert {vintages[c] for _, c in CURRENT_WARDS} == {"2022"}  # the Met's ward files: 2022 wards
    assert sum(1 for v in vintages.values() if v == "2018") == 18  # the demo's areas file says so
    assert covered[HAVERING]["2016-10"].coverage.text() == "complete"
    assert (covered[HAVERING]["2016-10"].coverage.loaded, covered[HAVERING]["2016-10"].coverage.expected) == (20, 20)
    # London sums Havering once (the demo's borough file holds the other 31 boroughs).
    assert covered[LONDON]["2016-10"].value - covered[HAVERING]["2016-10"].value == _other_boroughs(demo_engine, "2016-10")


def _other_boroughs(engine, month: str) -> int:
    with session_scope(engine) as session:
        boroughs = [
            c for (c,) in session.execute(select(Area.code).where(Area.level.in_(["borough", "other"]), Area.code != HAVERING))
        ]
        held = monthly_counts  # noqa: F841
        return sum(v.get(month, 0) for v in (monthly_counts(session, "crime", b, [month]) for b in boroughs))


def run_cli(database_url: str, *args: str) -> str:
    result = CliRunner(env={"DATABASE_URL": database_url}).invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def score_csp1(database_url: str) -> str:
    rows = {
        r["code"]: r
        for r in csv.DictReader(io.StringIO(run_cli(database_url, "score", "--period", "2016-17-Q3", "--format", "csv")))
    }
    return rows["CSP1"]["actual"]


def test_keep_held_wards_and_wards_use_pick_the_generation(demo_engine, database_url, tmp_path):
    frame = current_wards_file(tmp_path / "met.csv", "24-month")
    met_ytd = int(frame[[m.replace("-", "") for m in YTD_MONTHS]].to_numpy().sum())
    out = run_cli(database_url, "ingest", "crime", str(tmp_path / "met.csv"), "--keep-held-wards")
    assert "the 18 pre-2022 wards are kept for these months" in out
    assert score_csp1(database_url) == str(DEMO_YTD_Q3)  # the held generation still covers the year
    listing = run_cli(database_url, "wards", "list", "--borough", HAVERING)
    assert "current wards (2022): 20 wards" in listing and "wards before May 2022 (2018): 18 wards" in listing
    assert "April 2014 – March 2017: wards before May 2022 (picked)" in listing
    run_cli(database_url, "wards", "use", "--borough", HAVERING, "--generation", "2022", "--from", "2014-04", "--to", "2017-03")
    assert score_csp1(database_url) == str(met_ytd)
    with session_scope(demo_engine) as session:
        assert recorded_coverage(session, "crime") == computed_coverage(session, "crime")
    listing = run_cli(database_url, "wards", "list", "--borough", HAVERING, "--format", "json")
    spans = json.loads(listing)["months"]
    assert spans == [{"first": "2014-04", "last": "2017-03", "generation": "2022", "picked": True, "also_held": ["2018"]}]
    # Back to the old wards, by name of the label's year.
    run_cli(database_url, "wards", "use", "--borough", HAVERING, "--generation", "2018")
    assert score_csp1(database_url) == str(DEMO_YTD_Q3)


def test_a_reload_of_the_old_generation_takes_the_months_back(demo_engine, tmp_path):
    current_wards_file(tmp_path / "met.csv", "24-month")
    load(demo_engine, "crime", tmp_path / "met.csv")
    from settings import DEMO_DIR

    # The demo's ward file again, as revised figures would come: its cells change, so the
    # most recent load of those months is in the old generation.
    revised = pd.read_csv(DEMO_DIR / "crime_wards_met_format.csv")
    revised["201604"] = revised["201604"] + 1
    revised.to_csv(tmp_path / "old.csv", index=False)
    summary = load(demo_engine, "crime", tmp_path / "old.csv")
    assert any(
        n.startswith("Havering April 2014 – March 2017: held for 20 current wards; this file has them for the 18")
        for n in summary.notes
    )
    assert havering_ytd(demo_engine) == DEMO_YTD_Q3 + len(revised)


def test_rules_on_plain_values():
    assert generation_of(["schematic", "2018", "2022", "current"]) == "2022"
    assert generation_of(["schematic"]) is None
    assert chosen_generation({"2018": 4, "2022": 11}) == "2022"
    assert chosen_generation({"2018": 4, "2022": 11}, choice="2018") == "2018"
    assert chosen_generation({"2018": 4}, choice="2022") == "2018"  # a pick with no figures cannot cover
    assert chosen_generation({"2018": None, "": None}) == "2018"
    assert generation_label("2018", "2022") == "wards before May 2022"
    assert generation_label("2022", "2022") == "current wards"
    assert generation_label("", "2022") == "wards of unknown boundary year"


def test_api_areas_carry_generation_and_months(demo_engine, tmp_path):
    from views.api import area_list

    current_wards_file(tmp_path / "met.csv", "24-month", first="2014-04", last="2016-12")
    load(demo_engine, "crime", tmp_path / "met.csv")
    with session_scope(demo_engine) as session:
        rows = {r["code"]: r for r in area_list(session, HAVERING, "ward").rows}
    old, new = rows["E05000306"], rows["E05013967"]
    assert (old["boundary_vintage"], old["first_month"], old["last_month"]) == ("2018", "2014-04", "2017-03")
    assert (new["boundary_vintage"], new["first_month"], new["last_month"]) == ("2022", "2014-04", "2016-12")


def test_lists_show_the_current_wards_first_and_older_ones_labelled(demo_engine, tmp_path):
    from store.queries import area_choices

    with session_scope(demo_engine) as session:
        before = [a.label for a in area_choices(session, HAVERING)]
    assert before[1] == "Brooklands ward" and not any("before" in label for label in before)
    current_wards_file(tmp_path / "met.csv", "24-month")
    load(demo_engine, "crime", tmp_path / "met.csv")
    with session_scope(demo_engine) as session:
        labels = [a.label for a in area_choices(session, HAVERING)]
    assert labels[0] == "Havering (borough)"
    assert labels[1:21] == [f"{name} ward" for name, _ in sorted(CURRENT_WARDS)]
    assert labels[21] == "Brooklands ward (wards before May 2022)" and len(labels) == 1 + 20 + 18


def test_a_ward_map_of_a_quarter_shows_the_generation_reporting_in_it(demo_engine, database_url, tmp_path):
    from views.map_state import map_figure, resolve, ward_figures

    current_wards_file(tmp_path / "met.csv", "24-month", first="2016-10", last="2017-03")
    load(demo_engine, "crime", tmp_path / "met.csv")
    # Q3 2016/17: the Met's current wards were the last load of those months.
    state = resolve(database_url, HAVERING, {"measure": "crime", "period": "2016-17-Q3", "span": "quarter"})
    data = ward_figures(database_url, state)
    assert {f.code for f in data.figures} == {c for _, c in CURRENT_WARDS} and data.generation == "current wards"
    # Q2 2016/17: only the demo's wards report.
    state = resolve(database_url, HAVERING, {"measure": "crime", "period": "2016-17-Q2", "span": "quarter"})
    data = ward_figures(database_url, state)
    assert len(data.figures) == 18 and data.generation == "wards before May 2022"
    title = map_figure(database_url, HAVERING, "?measure=crime&period=2016-17-Q2&span=quarter")["layout"]["title"]["text"]
    assert "(wards before May 2022)" in title and "No ward" not in title


@pytest.mark.web
def test_the_ward_map_page_says_which_generation_its_table_and_map_show(demo_engine, database_url, tmp_path):
    from tests.helpers import text
    from tests.test_maps_logic import by_id, render

    current_wards_file(tmp_path / "met.csv", "24-month", first="2016-10", last="2017-03")
    load(demo_engine, "crime", tmp_path / "met.csv")
    page, _ = render(database_url, "ward_map", {"measure": "crime", "period": "2016-17-Q3", "span": "quarter"})
    assert text(by_id(page, "ward-map-table")).startswith("All crime by ward (current wards), Havering, Q3 2016/17")
    page, _ = render(database_url, "ward_map", {"measure": "crime", "period": "2016-17-Q2", "span": "quarter"})
    assert text(by_id(page, "ward-map-table")).startswith("All crime by ward (wards before May 2022), Havering, Q2 2016/17")


@pytest.mark.web
def test_a_current_wards_profile_describes_its_chart_as_drawn(demo_engine, database_url, tmp_path):
    """The demo holds ASB for its older wards only: a current ward's chart has no ASB line,
    and its caption does not describe one."""
    from tests.helpers import text, walk
    from tests.test_maps_logic import by_id, render

    current_wards_file(tmp_path / "met.csv", "24-month", first="2016-10", last="2017-03")
    load(demo_engine, "crime", tmp_path / "met.csv")
    page, _ = render(database_url, "ward_profile", "E05013975", {"measure": "crime", "period": "2016-17-Q4", "span": "quarter"})
    caption = next(text(c) for c in walk(page) if type(c).__name__ == "Figcaption" and "all crime" in text(c))
    assert "No anti-social behaviour figures are held for this ward" in caption and "Dashed orange" not in caption
    assert text(by_id(page, "ward-profile-heading")) == "Heaton ward, Havering"
    page, _ = render(database_url, "ward_profile", "E05000306", {"measure": "crime", "period": "2016-17-Q3", "span": "quarter"})
    caption = next(text(c) for c in walk(page) if type(c).__name__ == "Figcaption" and "all crime" in text(c))
    assert "Dashed orange line with diamonds: anti-social behaviour incidents." in caption
    # The older generation's ward is told apart from its namesake in the heading too.
    assert text(by_id(page, "ward-profile-heading")) == "Brooklands ward (wards before May 2022), Havering"


def test_the_upload_check_says_which_generation_will_be_used_and_stores_nothing(demo_engine, tmp_path):
    from tests.conftest import table_counts
    from tests.test_upload_page import rendered
    from web.parts import upload_steps as steps

    current_wards_file(tmp_path / "met.csv", "historical")
    before = table_counts(demo_engine)
    outcome = steps.check_upload(demo_engine, "crime", "met.csv", (tmp_path / "met.csv").read_bytes(), "priya")
    assert outcome.ok and table_counts(demo_engine) == before
    assert (
        "Havering April 2014 \\u2013 March 2017: held for 18 pre-2022 wards; this file has them for the 20 current wards, "
        "which will be used from now on"
    ) in rendered(steps.render_check(outcome))
    assert havering_ytd(demo_engine) == DEMO_YTD_Q3


def test_an_old_wards_chart_stops_at_its_last_quarter_and_says_so(demo_engine, database_url, tmp_path):
    from views.ward_charts import trend_title, ward_view

    current_wards_file(tmp_path / "met.csv", "24-month", first="2016-04", last="2017-06")
    load(demo_engine, "crime", tmp_path / "met.csv")
    view = ward_view(database_url, HAVERING, "E05000306", {"measure": "crime", "period": "2017-18-Q1", "span": "quarter"})
    assert view.series.quarters[-1].label == "Q4 2016/17"
    assert trend_title(view) == "All crime in Brooklands: no figures after Q4 2016/17, the ward's last quarter held"


def test_migration_0011_takes_generations_from_the_outlines_held_and_records_coverage_again(wards_2018_engine, tmp_path):
    from alembic import command

    from store.schema import alembic_config, upgrade

    engine = wards_2018_engine
    current_wards_file(tmp_path / "met.csv", "24-month", first="2016-04", last="2016-06")
    load(engine, "crime", tmp_path / "met.csv")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009_sqlite_keyed_counts")
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM area_month_coverage")  # as if recorded by an older computation
    upgrade(engine)
    with session_scope(engine) as session:
        vintages = dict(session.execute(select(Area.code, Area.boundary_vintage).where(Area.parent_code == HAVERING)).all())
        assert recorded_coverage(session, "crime") == computed_coverage(session, "crime") != {}
    assert vintages["E05000306"] == "2018"  # its 2018 outline
    assert vintages["E05013967"] == "2022"  # no outline held: introduced by a Met ward file


def test_wards_use_with_nothing_to_pick_is_a_one_line_error(demo_engine, database_url):
    result = CliRunner(env={"DATABASE_URL": database_url}).invoke(
        cli, ["wards", "use", "--borough", HAVERING, "--generation", "2022"]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: Havering holds no months in both its 2022 wards (2022) and another generation"
    ]
    assert run_cli(database_url, "wards", "list") == "No borough holds wards of two generations.\n"


def test_an_areas_file_gives_a_wards_generation_and_a_bad_one_is_named(engine, tmp_path):
    from loaders.errors import LoadError
    from tests.helpers import write

    header = "area_code,area_name,level,parent_code,boundary_vintage\n"
    with pytest.raises(LoadError) as caught:
        load(engine, "areas", write(tmp_path / "bad.csv", header + "E05999991,Ward A,ward,E09000016,May 2022\n"))
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "boundary_vintage", "May 2022")
    load(engine, "areas", write(tmp_path / "good.csv", header + "E05999991,Ward A,ward,E09000016,2022\n"))
    with session_scope(engine) as session:
        assert session.get(Area, "E05999991").boundary_vintage == "2022"
