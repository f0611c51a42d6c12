"""Comparators that mean something outside London (issue 21 part 4), on both databases: a
relation (force, region, country, nation, group:<name>) resolved through a small generated area
tree; the groups file (good, an unknown code, a bad row); a group's weighted figure (not the mean
of rates) and the area's rank in it; rates per 1,000 residents; the words on the scorecard rows,
in the API and in the pack."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from exports.pack_content import build_pack_content
from loaders.errors import LoadError
from rules.comparators import MemberFigure, rank_among, relation_label, weighted_rate
from rules.periods import Quarter
from settings import get_settings
from store.areas import AreaTree
from store.comparators import resolve_comparator
from store.db import session_scope
from store.models import ComparisonGroupMember
from store.queries import indicator_detail
from store.scorecard import build_scorecard
from tests.conftest import make_web_app
from tests.helpers import load, write
from views.wording import comparator_sentence

Q3 = Quarter.parse("2024-25-Q3")
HAVERING, LONDON, ENGLAND = "E09000016", "E12000007", "E92000001"
HARTLEPOOL, MIDDLESBROUGH, STOCKTON, CARDIFF = "E06000001", "E06000002", "E06000004", "W06000015"
HARTLEPOOL_CSP, MIDDLESBROUGH_CSP, STOCKTON_CSP = "E22000001", "E22000002", "E22000004"
CARDIFF_CSP, HAVERING_CSP = "W22000031", "E22000164"
CLEVELAND, MET, SOUTH_WALES = "E23000013", "E23000001", "W15000003"

LOOKUP = "LAD24CD,LAD24NM,CSP24CD,CSP24NM,PFA24CD,PFA24NM\n" + "".join(
    f"{lad},{lad_name},{csp},{csp_name},{pfa},{pfa_name}\n"
    for lad, lad_name, csp, csp_name, pfa, pfa_name in [
        (HARTLEPOOL, "Hartlepool", HARTLEPOOL_CSP, "Hartlepool", CLEVELAND, "Cleveland"),
        (MIDDLESBROUGH, "Middlesbrough", MIDDLESBROUGH_CSP, "Middlesbrough", CLEVELAND, "Cleveland"),
        (STOCKTON, "Stockton-on-Tees", STOCKTON_CSP, "Stockton-on-Tees", CLEVELAND, "Cleveland"),
        (HAVERING, "Havering", HAVERING_CSP, "Havering", MET, "Metropolitan Police"),
        (CARDIFF, "Cardiff", CARDIFF_CSP, "Cardiff", SOUTH_WALES, "South Wales"),
    ]
)
AREAS = f"area_code,area_name,level,parent_code\n{ENGLAND},England,country,\n{LONDON},London,region,{ENGLAND}\n{HAVERING},Havering,district,{LONDON}\n"
GROUPS = f"group,area_code,area_name\nsimilar partnerships,{HARTLEPOOL_CSP},Hartlepool\nsimilar partnerships,{MIDDLESBROUGH_CSP},Middlesbrough\nsimilar partnerships,{STOCKTON},Stockton-on-Tees\n"
INDICATORS = (
    "code,name,goal,unit,polarity,basis,measure,rated,comparator_area,comparator_label\n"
    "GRP,Offences in the group,Safer,count,lower,quarter,values,yes,group:similar partnerships,\n"
    "FRC,Offences against the force,Safer,count,lower,quarter,values,yes,force,\n"
)
# Middlesbrough: 100 offences among 10,000 people (10 per 1,000); Stockton 600 among 200,000 (3
# per 1,000). Weighted: 700 / 210,000 = 3.3 per 1,000; the mean of the rates would be 6.5.
# Hartlepool: 50 among 10,000 (5 per 1,000), 2nd of 3 from the lowest. Cleveland: 800 among 230,000.
VALUES = "indicator_code,area_code,period,value\n" + "".join(
    f"{code},{area},{Q3.key},{value}\n"
    for code in ("GRP", "FRC")
    for area, value in ((HARTLEPOOL_CSP, 50), (MIDDLESBROUGH_CSP, 100), (STOCKTON, 600), (CLEVELAND, 800))
)
POPULATION = "area_code,year,population\n" + "".join(
    f"{area},2024,{people}\n" for area, people in ((HARTLEPOOL, 10_000), (MIDDLESBROUGH, 10_000), (STOCKTON, 200_000))
)


def _tree_and_groups(engine: Engine, tmp_path: Path) -> None:
    load(engine, "areas", write(tmp_path / "areas.csv", AREAS))
    load(engine, "csp-lookup", write(tmp_path / "lookup.csv", LOOKUP))
    load(engine, "comparison-groups", write(tmp_path / "groups.csv", GROUPS))


def _loaded(engine: Engine, tmp_path: Path) -> None:
    _tree_and_groups(engine, tmp_path)
    load(engine, "population", write(tmp_path / "population.csv", POPULATION))
    load(engine, "indicators", write(tmp_path / "indicators.csv", INDICATORS))
    load(engine, "values", write(tmp_path / "values.csv", VALUES))


def _resolved(engine: Engine, relation: str, area: str):
    with session_scope(engine) as session:
        return resolve_comparator(session, AreaTree.load(session), relation, None, area)


def test_each_relation_resolves_through_the_area_tree(engine, tmp_path):
    _tree_and_groups(engine, tmp_path)
    said = {
        (relation, area): (r.code, r.label, r.why)
        for relation in ("force", "region", "country", "nation")
        for area in (HARTLEPOOL, HAVERING, CARDIFF)
        if (r := _resolved(engine, relation, area)) is not None
    }
    assert said[("force", HARTLEPOOL)] == (CLEVELAND, "Cleveland police force area", "")
    assert said[("force", HAVERING)][0] == MET
    assert said[("region", HAVERING)] == (LONDON, "London", "")
    assert said[("region", CARDIFF)] == ("W92000004", "Wales", ""), "Wales stands for a region in Wales"
    assert said[("country", HARTLEPOOL)] == (ENGLAND, "England", "")
    assert said[("nation", CARDIFF)] == ("K04000001", "England and Wales", "")
    # No region above Hartlepool is held: not available, and why — never a silent blank
    code, _, why = said[("region", HARTLEPOOL)]
    assert code is None and why == "no region is held above Hartlepool in the area tree"
    # A code keeps working as before
    assert _resolved(engine, LONDON, HAVERING).code == LONDON
    # A group leaves the area itself out, as its partnership or as its district
    for home in (HARTLEPOOL, HARTLEPOOL_CSP):
        group = _resolved(engine, "group:similar partnerships", home)
        assert group.members == (STOCKTON, MIDDLESBROUGH_CSP) and group.label == "similar partnerships (2)"
    unknown = _resolved(engine, "group:nearest neighbours", HARTLEPOOL)
    assert unknown.why == "no group of similar areas named 'nearest neighbours' is loaded"


def test_a_comparator_read_from_the_home_office_tables_names_them(engine, tmp_path):
    """A Met measure's national comparator comes from the Home Office tables, and says so; a
    comparator named by code, or an indicator already on the tables, reads its own source."""
    _tree_and_groups(engine, tmp_path)
    with session_scope(engine) as session:
        tree = AreaTree.load(session)
        labels = {
            (relation, measure): r.label
            for relation in ("force", LONDON, "group:similar partnerships")
            for measure in ("crime", "crime:VIOLENCE AGAINST THE PERSON", "csp-crime", "values")
            if (r := resolve_comparator(session, tree, relation, None, HAVERING, measure)) is not None
        }
    assert labels[("force", "crime")] == "Metropolitan Police force area (Home Office tables)"
    assert labels[("force", "crime:VIOLENCE AGAINST THE PERSON")].endswith("(Home Office tables)")
    assert labels[("group:similar partnerships", "crime")] == "similar partnerships (3) (Home Office tables)"
    assert labels[("force", "csp-crime")] == labels[("force", "values")] == "Metropolitan Police force area"
    assert labels[(LONDON, "crime")] == "London"


def test_groups_file_loads_and_a_reload_replaces_the_groups_it_names(engine, tmp_path):
    _tree_and_groups(engine, tmp_path)
    summary = load(
        engine,
        "comparison-groups",
        write(tmp_path / "g2.csv", f"group,area_code\nsimilar partnerships,{CARDIFF_CSP}\nother,{HAVERING}\n"),
    )
    assert (summary.stored, summary.replaced) == (2, 3)
    with session_scope(engine) as session:
        held = sorted(session.execute(select(ComparisonGroupMember.group_name, ComparisonGroupMember.area_code)).all())
    assert held == [("other", HAVERING), ("similar partnerships", CARDIFF_CSP)]


@pytest.mark.parametrize(
    ("body", "column", "value", "reason"),
    [
        (
            "similar partnerships,E22009999",
            "area_code",
            "E22009999",
            "unknown area: load the district to partnership lookup first",
        ),
        (
            f"similar partnerships,{CLEVELAND}",
            "area_code",
            CLEVELAND,
            "Cleveland is a force: a member is a partnership or a district",
        ),
        (f",{HARTLEPOOL_CSP}", "group", "", "this cell must not be blank"),
        (f"{'x' * 121},{HARTLEPOOL_CSP}", "group", "x" * 121, "a group's name is at most 120 characters"),
    ],
)
def test_a_bad_groups_file_names_row_column_and_value_and_stores_nothing(engine, tmp_path, body, column, value, reason):
    _tree_and_groups(engine, tmp_path)
    path = write(tmp_path / "bad.csv", f"group,area_code\nnearest,{HARTLEPOOL_CSP}\n{body}\n")
    with pytest.raises(LoadError) as caught:
        load(engine, "comparison-groups", path)
    problem = caught.value.problems[0]
    assert (caught.value.file_name, problem.row, problem.column, str(problem.value), problem.reason) == (
        "bad.csv",
        3,
        column,
        value,
        reason,
    )
    with session_scope(engine) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(ComparisonGroupMember).where(ComparisonGroupMember.group_name == "nearest")
            )
            == 0
        )


def test_an_indicator_naming_an_unknown_group_is_a_load_error(engine, tmp_path):
    _tree_and_groups(engine, tmp_path)
    bad = INDICATORS.replace("group:similar partnerships", "group:nearest neighbours")
    with pytest.raises(LoadError) as caught:
        load(engine, "indicators", write(tmp_path / "indicators.csv", bad))
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (2, "comparator_area", "group:nearest neighbours")
    assert "no group of similar areas named 'nearest neighbours' is loaded (held: similar partnerships)" in problem.reason


def test_weighted_figure_is_not_the_mean_of_rates_and_the_rank_says_which_way_round():
    members = [MemberFigure("a", "A", 100, 10_000), MemberFigure("b", "B", 600, 200_000)]
    assert weighted_rate(members).value == pytest.approx(3.3333, abs=1e-3)  # the mean of rates is 6.5
    assert weighted_rate([*members, MemberFigure("c", "C", None, 5)]).missing == "no figures for C"
    assert weighted_rate([*members, MemberFigure("c", "C", 5, None)]).missing == "no population for C"
    low = rank_among(5.0, [10.0, 3.0], "lower")
    assert (low.text, low.order_words) == ("2nd of 3", "1st = lowest rate")
    assert relation_label("force", "Metropolitan Police", "force") == "Metropolitan Police force area"
    assert relation_label("force", "Cleveland", "force") == "Cleveland police force area"
    high = rank_among(5.0, [10.0, 3.0, 5.0], "higher")
    assert (high.text, high.order_words) == ("joint 2nd of 4", "1st = highest rate")


def test_scorecard_api_and_pack_name_the_comparator_with_its_figure(engine, database_url, tmp_path):
    _loaded(engine, tmp_path)
    with session_scope(engine) as session:
        rows = {r.code: r for r in build_scorecard(session, Q3, HARTLEPOOL_CSP).rows}
        pack = build_pack_content(session, Q3, HARTLEPOOL_CSP, get_settings())
        page = {code: comparator_sentence(indicator_detail(session, code, Q3, HARTLEPOOL_CSP).current) for code in ("GRP", "FRC")}
    assert page == {
        "GRP": "Compared with similar partnerships (2): 3.3 per 1,000, Hartlepool 2nd of 3 (1st = lowest rate).",
        "FRC": "Compared with Cleveland police force area: no figure for the comparator; 3.6 per 1,000 against 5.0 per 1,000 here.",
    }
    group, force = rows["GRP"], rows["FRC"]
    assert group.comparator_label == "similar partnerships (2)" and group.comparator_members == 2
    assert group.comparator_rate == pytest.approx(3.333, abs=1e-3) and group.home_rate == pytest.approx(5.0)
    assert group.comparator_rates() == "3.3 per 1,000, Hartlepool 2nd of 3 (1st = lowest rate)"
    # The force: rates per 1,000 residents, its population the sum of its districts'
    assert force.comparator_label == "Cleveland police force area"
    assert force.comparator_rate == pytest.approx(800 * 1000 / 220_000) and force.home_rate == pytest.approx(5.0)
    assert force.comparator_rates() == "3.6 per 1,000 against 5.0 per 1,000 here"
    cells = {r.code: r.comparator for _, rows_ in pack.groups for r in rows_}
    assert cells["GRP"] == "similar partnerships (2): 3.3 per 1,000, Hartlepool 2nd of 3 (1st = lowest rate)"
    assert cells["FRC"].startswith("Cleveland police force area")
    assert cells["FRC"].endswith("; 3.6 per 1,000 against 5.0 per 1,000 here")
    sections = {s.code: s.change for s in pack.sections}
    assert "similar partnerships (2): 3.3 per 1,000, Hartlepool 2nd of 3 (1st = lowest rate)." in sections["GRP"]
    client = make_web_app(database_url).server.test_client()
    body = client.get(f"/api/v1/p/E09000016/scorecard?period={Q3.key}&area={HARTLEPOOL_CSP}").get_json()
    series_meta = client.get(
        f"/api/v1/p/E09000016/indicators/FRC/series?area={HARTLEPOOL_CSP}&from={Q3.key}&to={Q3.key}"
    ).get_json()["meta"]
    assert series_meta["comparator_label"] == "Cleveland police force area"
    api = {r["code"]: r for r in body["data"]}
    assert api["GRP"]["comparator_label"] == "similar partnerships (2)" and api["GRP"]["comparator_members"] == 2
    assert api["GRP"]["comparator_rank"] == "Hartlepool 2nd of 3 (1st = lowest rate)"
    assert api["GRP"]["comparator_rate"] == pytest.approx(3.333, abs=1e-3) and api["FRC"]["home_rate"] == pytest.approx(5.0)


def test_a_member_without_population_makes_the_group_not_available_naming_it(engine, tmp_path):
    _loaded(engine, tmp_path)
    load(engine, "population", write(tmp_path / "p2.csv", f"area_code,year,population\n{HAVERING},2024,260000\n"))
    with session_scope(engine) as session:
        session.execute(ComparisonGroupMember.__table__.delete().where(ComparisonGroupMember.area_code == STOCKTON))
        session.add(ComparisonGroupMember(group_name="similar partnerships", area_code=CARDIFF_CSP))
    with session_scope(engine) as session:
        row = next(r for r in build_scorecard(session, Q3, HARTLEPOOL_CSP).rows if r.code == "GRP")
    assert row.comparator_rate is None
    assert row.comparator_note == "not available (no figures for Cardiff)"
