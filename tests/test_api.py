"""The read-only API (/api/v1/…) on the demo, on SQLite and PostgreSQL: the same figures as
the pages, numbers as numbers, CSV that a spreadsheet cannot run, the pages' access rules,
plain JSON errors, and every real answer valid against the OpenAPI document it serves."""

from __future__ import annotations

import csv
import io

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import delete

from tests.conftest import add_web_user, make_web_app, web_sign_in

Q3 = "2016-17-Q3"
HAVERING = "E09000016"
API = f"/api/v1/p/{HAVERING}"  # the partnership's own address (old ones redirect there)
# The demo reproduces Havering's Q3 2016/17 report (see test_export_pack.py).
REPORT = {"CSP1": ("Red", 13143), "CSP2": ("Green", 28.8), "CSP3": ("Red", 4810)}
OK = [
    (f"{API}/scorecard", "ScorecardResponse"),
    (f"{API}/scorecard?period={Q3}&area={HAVERING}", "ScorecardResponse"),
    (f"{API}/indicators", "IndicatorsResponse"),
    (f"{API}/indicators/CSP1/series", "SeriesResponse"),
    (f"{API}/indicators/csp2/series?from=2015-16-Q1&to=2016-17-Q3", "SeriesResponse"),
    (f"{API}/counts", "CountsResponse"),
    (f"{API}/counts?source=asb&level=ward&by=quarter", "CountsResponse"),
    (f"{API}/areas", "AreasResponse"),
    (f"{API}/areas?level=ward", "AreasResponse"),
    (f"{API}/actions", "ActionsResponse"),
    (f"{API}/actions?period={Q3}&indicator=CSP1&status=open", "ActionsResponse"),
]
BAD = [
    (f"{API}/scorecard?period=Q9", 400, "not a quarter"),
    (f"{API}/scorecard?period=2030-31-Q1", 404, "No figures are held for Q1 2030/31"),
    (f"{API}/scorecard?area=E09999999", 404, "E09999999"),
    (f"{API}/indicators/NOPE/series", 404, "NOPE"),
    (f"{API}/indicators/CSP1/series?from=2016-17-Q3&to=2015-16-Q1", 400, "after"),
    (f"{API}/counts?source=fires", 400, "fires"),
    (f"{API}/counts?by=week", 400, "week"),
    (f"{API}/counts?level=galaxy", 400, "galaxy"),
    (f"{API}/areas?level=galaxy", 400, "galaxy"),
    (f"{API}/scorecard?format=xml", 400, "xml"),
    (f"{API}/no-such-thing", 404, "openapi.json"),
    (f"{API}/actions?status=late", 400, "late"),
    (f"{API}/actions?period=Q9", 400, "not a quarter"),
]


@pytest.fixture(scope="module")
def client(demo_database_url: str):
    return make_web_app(demo_database_url).server.test_client()


@pytest.fixture(scope="module")
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def validator(spec: dict, schema: str) -> Draft202012Validator:
    """A JSON Schema validator for one of the document's schemas, its $refs resolved in it."""
    return Draft202012Validator({"$ref": f"#/components/schemas/{schema}", "components": spec["components"]})


def test_api_openapi_document_is_valid_openapi_3_1(spec: dict) -> None:
    validate_openapi(spec)
    assert set(spec["paths"]) == {
        f"/p/{{partnership}}{path}"
        for path in ("/scorecard", "/indicators", "/indicators/{code}/series", "/counts", "/areas", "/actions")
    }


@pytest.mark.parametrize(("url", "schema"), OK)
def test_api_real_answers_match_the_openapi_document(client, spec: dict, url: str, schema: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(spec, schema).iter_errors(body)]
    assert errors == []
    assert body["data"], "the demo holds figures for every endpoint"


@pytest.mark.parametrize(("url", "status", "words"), BAD)
def test_api_errors_are_plain_json_with_a_reason(client, spec: dict, url: str, status: int, words: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert list(validator(spec, "Error").iter_errors(body)) == []
    assert body["error"]["status"] == status and words in body["error"]["message"]


def test_api_scorecard_gives_the_reports_figures_as_numbers(client) -> None:
    body = client.get(f"{API}/scorecard?period={Q3}&area={HAVERING}").get_json()
    assert body["meta"]["period"] == Q3 and body["meta"]["area_name"] == "Havering"
    assert body["meta"]["publication"] == {
        "state": "draft",
        "version": None,
        "published_at": None,
        "published_by": None,
        "published_by_name": None,
    }
    rows = {r["code"]: r for r in body["data"]}
    for code, (rag, actual) in REPORT.items():
        assert rows[code]["rag"] == rag
        assert rows[code]["actual"] == pytest.approx(actual, abs=0.05)
        assert isinstance(rows[code]["actual"], (int, float))
    summary = body["meta"]["summary"]["overall"]
    rated = [r for r in body["data"] if r["rated"]]
    assert summary["red"] == sum(r["rag"] == "Red" for r in rated) and summary["green"] == sum(r["rag"] == "Green" for r in rated)


def test_api_series_ends_with_the_scorecards_figures(client) -> None:
    """The indicator's series and the scorecard are the same figures (as the two pages are)."""
    card = {r["code"]: r for r in client.get(f"{API}/scorecard?period={Q3}").get_json()["data"]}
    for code in REPORT:
        series = client.get(f"{API}/indicators/{code}/series?to={Q3}").get_json()
        last = series["data"][-1]
        assert last["period"] == Q3 and series["meta"]["to"] == Q3
        assert (last["actual"], last["rag"], last["target"]) == (card[code]["actual"], card[code]["rag"], card[code]["target"])
    first = client.get(f"{API}/indicators/CSP1/series?from=2015-16-Q1&to=2015-16-Q4").get_json()["data"]
    assert [r["period"] for r in first] == ["2015-16-Q1", "2015-16-Q2", "2015-16-Q3", "2015-16-Q4"]


def test_api_counts_by_quarter_add_up_the_months(client) -> None:
    months = client.get(f"{API}/counts?source=crime").get_json()["data"]
    quarters = client.get(f"{API}/counts?source=crime&by=quarter").get_json()["data"]
    q3 = next(r for r in quarters if r["period"] == Q3)
    assert q3["complete"] and q3["months_held"] == 3
    assert q3["count"] == sum(r["count"] for r in months if r["period"] in ("2016-10", "2016-11", "2016-12"))
    wards = client.get(f"{API}/counts?area={HAVERING}&level=ward&by=quarter").get_json()
    assert wards["meta"]["level"] == "ward" and len({r["area_code"] for r in wards["data"]}) == 18


def test_api_csv_has_the_json_records_with_numbers_unquoted(client) -> None:
    json_rows = client.get(f"{API}/scorecard?period={Q3}").get_json()["data"]
    response = client.get(f"{API}/scorecard?period={Q3}&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="scorecard.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["code"] for r in rows] == [r["code"] for r in json_rows]
    assert rows[0]["actual"] == "13143"  # an integer stays an integer, unquoted
    assert "\r\nCSP1,Total notifiable offences," in text


def test_api_csv_neutralises_formulas_and_never_totals_a_partial_quarter(demo_engine, database_url: str) -> None:
    from store.coverage_record import record_coverage
    from store.db import session_scope
    from store.models import Commentary, CorrectiveAction, CrimeCount

    with session_scope(demo_engine) as session:
        session.execute(
            delete(Commentary).where(
                Commentary.indicator_code == "CSP1", Commentary.area_code == HAVERING, Commentary.period == "2016-17-Q2"
            )
        )
        session.add(
            Commentary(
                indicator_code="CSP1",
                area_code=HAVERING,
                period="2016-17-Q2",
                commentary='=HYPERLINK("http://x","y")',
                corrective_action="",
            )
        )
        session.execute(
            delete(CorrectiveAction).where(CorrectiveAction.indicator_code == "CSP1", CorrectiveAction.period == "2016-17-Q2")
        )
        session.add(
            CorrectiveAction(
                indicator_code="CSP1",
                area_code=HAVERING,
                period="2016-17-Q2",
                text="@SUM(1)",
                owner="",
                status="open",
                created_by="t",
                updated_by="t",
            )
        )
        session.execute(delete(CrimeCount).where(CrimeCount.month == "2016-11"))
        record_coverage(session, ("crime",))  # what any change to the counts keeps in step with them
    client = make_web_app(database_url).server.test_client()
    json_row = client.get(f"{API}/scorecard?period=2016-17-Q2").get_json()["data"][0]
    assert json_row["commentary"] == '=HYPERLINK("http://x","y")'  # JSON carries the text as written
    text = client.get(f"{API}/scorecard?period=2016-17-Q2&format=csv").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["commentary"] == '\'=HYPERLINK("http://x","y")' and row["corrective_action"] == "'@SUM(1)"
    quarters = client.get(f"{API}/counts?by=quarter").get_json()["data"]
    q3 = next(r for r in quarters if r["period"] == Q3)
    assert (q3["count"], q3["months_held"], q3["complete"]) == (None, 2, False)
    months = [r["period"] for r in client.get(f"{API}/counts").get_json()["data"]]
    assert "2016-10" in months and "2016-11" not in months


def test_api_follows_the_pages_access_rules(demo_engine, database_url: str) -> None:
    app = make_web_app(database_url, CSPDASH_PUBLIC_READ="false")
    client = app.server.test_client()
    refused = client.get(f"{API}/scorecard")
    assert refused.status_code == 401 and refused.get_json() == {"message": "Sign in to see the dashboard."}
    assert client.get("/api/v1/openapi.json").status_code == 401
    add_web_user(demo_engine, "viewer1", "viewer")
    assert web_sign_in(client, "viewer1").status_code in (302, 303)
    assert client.get(f"{API}/scorecard").status_code == 200
    assert client.post(f"{API}/scorecard").status_code == 405  # read-only


def test_api_serves_corrective_actions_with_the_scorecard_and_on_their_own(demo_engine, database_url: str) -> None:
    from datetime import UTC, date, datetime

    from rules.periods import Quarter
    from store.actions import add_action
    from store.db import session_scope

    at = datetime(2017, 1, 10, tzinfo=UTC)
    with session_scope(demo_engine) as session:
        q2, q3 = Quarter.parse("2016-17-Q2"), Quarter.parse(Q3)
        add_action(session, "CSP1", HAVERING, q2, "Review hotspots.", "priya", at, owner="Jo Bloggs", due_date=date(2016, 12, 31))
        add_action(session, "CSP1", HAVERING, q3, "Joint patrols.", "priya", at, owner="Sam", due_date=date(2099, 3, 31))
    client = make_web_app(database_url).server.test_client()
    row = next(r for r in client.get(f"{API}/scorecard?period={Q3}").get_json()["data"] if r["code"] == "CSP1")
    patrols = next(a for a in row["actions"] if a["text"] == "Joint patrols.")
    assert (patrols["owner"], patrols["due_date"], patrols["status"], patrols["overdue"]) == ("Sam", "2099-03-31", "open", False)
    assert "Joint patrols." in row["corrective_action"]
    review = next(a for a in row["previous_actions"] if a["text"] == "Review hotspots.")
    assert (review["overdue"], review["status_text"]) == (True, "Overdue (due 31 December 2016)")
    overdue = client.get(f"{API}/actions?status=overdue&indicator=CSP1").get_json()
    assert "Review hotspots." in [a["text"] for a in overdue["data"]]
    assert "Joint patrols." not in [a["text"] for a in overdue["data"]]
    text = client.get(f"{API}/scorecard?period={Q3}&format=csv").get_data(as_text=True)
    csv_row = next(r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["code"] == "CSP1")
    assert "Joint patrols. (Owner: Sam; due 31 March 2099; status: Open)" in csv_row["actions"]
