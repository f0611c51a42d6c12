"""The bundled demo dataset: deterministic, untouched by hand, and calibrated to the Q3 2016/17 report."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from demo.generate import generate

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data" / "demo"
WARDS_GEOJSON = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "boundaries" / "london_wards_2018_wgs84_simplified5m.geojson"
)
EXPECTED_FILES = {
    "areas.csv",
    "crime_wards_met_format.csv",
    "crime_boroughs_met_format.csv",
    "asb.csv",
    "marac.csv",
    "indicators.csv",
    "targets.csv",
    "values.csv",
    "commentary.csv",
    "population.csv",
}
MONTHS = [str(p) for p in pd.period_range("2014-04", "2017-03", freq="M")]


def fy_quarter(month: str) -> str:
    """'2016-10' -> '2016-17-Q3' (financial year April-March)."""
    year, mon = int(month[:4]), int(month[5:7])
    start = year if mon >= 4 else year - 1
    return f"{start}-{str(start + 1)[2:]}-Q{(mon - 4) % 12 // 3 + 1}"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out)
    return out


@pytest.fixture(scope="module")
def crime(generated: Path) -> pd.DataFrame:
    wide = pd.read_csv(generated / "crime_wards_met_format.csv", dtype={"WardCode": str})
    months = [c for c in wide.columns if c.isdigit()]
    long = wide.melt(id_vars=list(wide.columns[:5]), value_vars=months, var_name="month", value_name="n")
    long["month"] = long["month"].str[:4] + "-" + long["month"].str[4:]
    long["quarter"] = long["month"].map(fy_quarter)
    return long


def ytd(by_quarter: pd.Series, year: str, q: int) -> int:
    return int(sum(by_quarter[f"{year}-Q{k}"] for k in range(1, q + 1)))


def test_generation_is_byte_identical(tmp_path: Path) -> None:
    first = generate(tmp_path / "a")
    second = generate(tmp_path / "b")
    assert {p.name for p in first} == EXPECTED_FILES
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert b"\r" not in a.read_bytes()
        a.read_bytes().decode("utf-8")


def test_bundled_demo_matches_fresh_generation(generated: Path) -> None:
    assert {p.name for p in BUNDLED.glob("*.csv")} == EXPECTED_FILES, "run: python -m demo.generate"
    for name in EXPECTED_FILES:
        assert (BUNDLED / name).read_bytes() == (generated / name).read_bytes(), (
            f"data/demo/{name} differs from the generator output; regenerate with python -m demo.generate"
        )


def test_tno_calibration(crime: pd.DataFrame) -> None:
    assert crime["month"].drop_duplicates().tolist() == MONTHS
    assert (crime["n"] >= 0).all()
    by_q = crime.groupby("quarter")["n"].sum()
    assert [by_q[f"2016-17-Q{q}"] for q in (1, 2, 3)] == [4318, 4470, 4355]
    assert [by_q[f"2015-16-Q{q}"] for q in (1, 2, 3)] == [3950, 4103, 4520]
    assert ytd(by_q, "2016-17", 3) == 13143 and ytd(by_q, "2015-16", 3) == 12573
    assert round(100 * (13143 - 12573) / 12573, 1) == 4.5
    assert all(3500 <= by_q[f"2014-15-Q{q}"] <= 3800 for q in range(1, 5))
    vap = crime[crime["MajorText"] == "VIOLENCE AGAINST THE PERSON"].groupby("quarter")["n"].sum()
    share = (ytd(vap, "2016-17", 3) - ytd(vap, "2015-16", 3)) / (13143 - 12573)
    assert 0.75 <= share <= 0.85
    assert 0.28 <= vap.sum() / by_q.sum() <= 0.38
    assert crime.groupby(["WardCode", "MajorText", "MinorText"]).ngroups == len(crime) // len(MONTHS)
    assert set(crime["LookUp_BoroughName"]) == {"Havering"}


def test_asb_calibration(generated: Path) -> None:
    asb = pd.read_csv(generated / "asb.csv")
    assert sorted(asb["month"].unique()) == MONTHS
    assert (asb["count"] >= 0).all()
    assert set(asb["category"]) == {"Personal", "Nuisance", "Environmental"}
    by_cat = asb.groupby("category")["count"].sum()
    assert by_cat.idxmax() == "Nuisance"
    by_q = asb.assign(quarter=asb["month"].map(fy_quarter)).groupby("quarter")["count"].sum()
    assert [by_q[f"2016-17-Q{q}"] for q in (1, 2, 3)] == [1392, 2096, 1322]
    assert [by_q[f"2015-16-Q{q}"] for q in (1, 2, 3)] == [1202, 1468, 1140]
    assert all(1050 <= by_q[f"2014-15-Q{q}"] <= 1350 for q in range(1, 5))


def test_marac_calibration(generated: Path) -> None:
    m = pd.read_csv(generated / "marac.csv").set_index("quarter")
    assert len(m) == 12 and set(m["area_code"]) == {"E09000016"}
    assert (m[["cases_discussed", "repeat_cases", "referrals_from_police", "idva_caseload"]] >= 0).all().all()
    q = {k: (m.loc[f"2016-17-Q{k}", "cases_discussed"], m.loc[f"2016-17-Q{k}", "repeat_cases"]) for k in range(1, 5)}
    assert q == {1: (55, 13), 2: (61, 15), 3: (59, 17), 4: (62, 18)}
    assert round(100 * 17 / 59, 1) == 28.8
    ytd_cases, ytd_rep = sum(q[k][0] for k in (1, 2, 3)), sum(q[k][1] for k in (1, 2, 3))
    assert (ytd_rep, ytd_cases) == (45, 175) and round(100 * ytd_rep / ytd_cases, 1) == 25.7
    earlier = m.loc[[k for k in m.index if not k.startswith("2016-17")]]
    assert earlier["cases_discussed"].between(40, 55).all()
    assert (earlier["repeat_cases"] / earlier["cases_discussed"]).between(0.20, 0.27).all()


def test_every_met_borough_has_crime_adding_up_to_london(generated: Path, crime: pd.DataFrame) -> None:
    """The London page compares all 32 Met boroughs: the other 31 come from a borough-format
    file, and with Havering's wards they add up to London's comparator, quarter by quarter."""
    from store.reference import LONDON_BOROUGHS

    boroughs = pd.read_csv(generated / "crime_boroughs_met_format.csv")
    names = set(boroughs["BoroughName"])
    assert names == set(LONDON_BOROUGHS.values()) - {"City of London", "Havering"}
    month_cols = [c for c in boroughs.columns if c.isdigit()]
    assert len(month_cols) == 36 and (boroughs[month_cols] >= 0).all().all()
    values = pd.read_csv(generated / "values.csv")
    london = values[(values.indicator_code == "CSP1") & (values.area_code == "E12000007")].set_index("period")["value"]
    monthly = boroughs[month_cols].sum()
    by_quarter = monthly.groupby([fy_quarter(f"{m[:4]}-{m[4:]}") for m in month_cols]).sum()
    havering = crime.groupby("quarter")["n"].sum()
    for quarter, total in london.items():
        assert by_quarter[quarter] + havering[quarter] == total, quarter


def test_comparators_and_targets(generated: Path) -> None:
    values = pd.read_csv(generated / "values.csv", dtype={"numerator": str, "denominator": str})
    assert values["numerator"].isna().all() and values["denominator"].isna().all()

    def series(code: str, area: str) -> pd.Series:
        return values[(values.indicator_code == code) & (values.area_code == area)].set_index("period")["value"]

    def ytd_change(s: pd.Series, q: int) -> float:
        return round(100 * (ytd(s, "2016-17", q) / ytd(s, "2015-16", q) - 1), 1)

    assert ytd_change(series("CSP1", "E12000007"), 3) == 3.8
    assert ytd_change(series("CSP3", "E12000007"), 3) == 12.7
    assert ytd_change(series("CSP3", "E12000007"), 2) == 11.8
    assert series("CSP2", "E92000001")["2016-17-Q3"] == 24.5
    for code in ("DP2", "DP4", "CSP1", "CSP3"):
        assert len(series(code, "E12000007" if code.startswith("CSP") else "E09000016")) == 12

    targets = pd.read_csv(generated / "targets.csv", dtype=str).fillna("")
    t = targets[targets.year == "2016-17"].set_index(["code", "quarter"])["target"]
    assert [t["CSP1", f"Q{q}"] for q in range(1, 5)] == ["4150", "8300", "12400", "16600"]
    assert [t["CSP3", f"Q{q}"] for q in range(1, 5)] == ["1150", "2500", "3650", "4700"]
    band = targets[targets.code == "CSP2"]
    assert set(band.year) == {"2014-15", "2015-16", "2016-17"}
    assert set(map(tuple, band[["quarter", "target", "target_low", "target_high", "tolerance", "tolerance_type"]].values)) == {
        ("", "", "28", "40", "3", "abs")
    }

    ind = pd.read_csv(generated / "indicators.csv", dtype=str, keep_default_na=False).set_index("code")
    assert list(ind.index) == ["CSP1", "CSP2", "CSP3", "DP1", "DP2", "DP3", "DP4", "DP5"]
    assert ind.loc["DP1", "measure"] == "crime:VIOLENCE AGAINST THE PERSON"
    assert ind.loc["CSP2", "comparator_label"] == "National average (SafeLives)"

    com = pd.read_csv(generated / "commentary.csv", keep_default_na=False)
    q3 = com[com.period == "2016-17-Q3"].set_index("indicator_code")
    assert "4.5%" in q3.loc["CSP1", "commentary"] and "28.8%" in q3.loc["CSP2", "commentary"]
    assert q3.loc["CSP1", "corrective_action"] and q3.loc["CSP3", "corrective_action"]
    assert q3.loc["CSP2", "corrective_action"] == ""


def test_wards_match_shared_geojson(generated: Path) -> None:
    if not WARDS_GEOJSON.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{WARDS_GEOJSON} is missing on CI")
        pytest.skip("shared boundary data not available")
    features = json.loads(WARDS_GEOJSON.read_text(encoding="utf-8"))["features"]
    expected = {
        (f["properties"]["GSS_CODE"], f["properties"]["NAME"]) for f in features if f["properties"]["LAGSSCODE"] == "E09000016"
    }
    areas = pd.read_csv(generated / "areas.csv", dtype=str, keep_default_na=False)
    wards = areas[areas.level == "ward"]
    assert set(zip(wards.area_code, wards.area_name)) == expected and len(wards) == 18
    assert set(wards.parent_code) == {"E09000016"}
    assert set(wards.boundary_vintage) == {"2018"}  # the wards in force from 2002 to May 2022
    assert areas[areas.level == "borough"].values.tolist() == [["E09000016", "Havering", "borough", "E12000007", ""]]
    crime = pd.read_csv(generated / "crime_wards_met_format.csv", dtype=str)
    assert set(zip(crime.WardCode, crime.WardName)) == expected
    asb = pd.read_csv(generated / "asb.csv", dtype=str)
    assert set(asb.area_code) == {code for code, _ in expected}
