"""Addresses that carry the partnership (issue 23 part 1): ``/p/CODE/…`` pages and
``/api/v1/p/CODE/…`` API calls show that partnership's own indicators; the page's callbacks go
under the same address and act for it (a role in one partnership writes nothing in another);
links inside pages keep the partnership; an unknown code is a readable 404; old addresses
redirect to their place under a partnership. Flask test client, real SQLite and PostgreSQL, a
deployment holding the Havering demo and Barking and Dagenham with its own indicator K1."""

from __future__ import annotations

import json
import re

from sqlalchemy import text

from store.audit import refusals
from store.db import session_scope
from store.partnerships import add_partnership, set_private
from store.users import add_user, set_role
from tests.conftest import WEB_PASSWORD, callback_body, make_dashboard_app, targets_save_body, web_sign_in
from tests.helpers import load, write

HAVERING, BARKING, NOBODY = "E09000016", "E09000002", "E09000003"
Q3 = "2016-17-Q3"
INDICATORS = "code,name,goal,unit,polarity,basis,measure,rated\nK1,Calls for help,Safe,count,lower,quarter,values,true\n"


def _with_barking(engine, tmp_path) -> None:
    """ana: analyst of Havering (added while it is the only partnership), viewer of Barking and
    Dagenham, which has an indicator K1 with its target and Q3 value."""
    with session_scope(engine) as session:
        add_user(session, "ana", WEB_PASSWORD, "analyst", by="test")
        add_partnership(session, BARKING, "Barking and Dagenham CSP")
    load(engine, "indicators", write(tmp_path / "i.csv", INDICATORS), partnership=BARKING)
    load(engine, "targets", write(tmp_path / "t.csv", "code,year,quarter,target,tolerance,tolerance_type\nK1,2016-17,Q3,50,0,abs\n"),
         partnership=BARKING)  # fmt: skip
    load(engine, "values", write(tmp_path / "v.csv", f"indicator_code,area_code,period,value\nK1,{BARKING},{Q3},70\n"),
         partnership=BARKING)  # fmt: skip
    with session_scope(engine) as session:
        set_role(session, "ana", "viewer", by="test", partnership=BARKING)


def _scorecard(app, client, code: str) -> dict:
    """The scorecard page at ``/p/CODE/?period=Q3`` as the renderer asks for it: the pages'
    routing callback, posted under the page's address."""
    body = callback_body(
        app, "_pages_content.children", {"_pages_location.pathname": f"/p/{code}/", "_pages_location.search": f"?period={Q3}"}
    )
    response = client.post(f"/p/{code}/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def _hrefs(node: object) -> list[str]:
    """Every link address (``href``) in a layout or callback answer."""
    found: list[str] = []
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and isinstance(props.get("href"), str):
            found.append(props["href"])
        for value in node.values():
            found += _hrefs(value)
    elif isinstance(node, list):
        for item in node:
            found += _hrefs(item)
    return found


def _api_codes(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return sorted({row["code"] for row in response.get_json()["data"]})


def test_each_partnership_address_shows_its_own_indicators_and_its_links_keep_it(demo_engine, database_url, tmp_path):
    _with_barking(demo_engine, tmp_path)
    app = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")  # two held, none chosen by the setting
    client = app.server.test_client()

    barking, havering = _scorecard(app, client, BARKING), _scorecard(app, client, HAVERING)
    barking_text, havering_text = json.dumps(barking), json.dumps(havering)
    assert "Calls for help" in barking_text and "Total notifiable offences" not in barking_text
    assert "Total notifiable offences" in havering_text and "Calls for help" not in havering_text
    assert any(h.startswith(f"/p/{BARKING}/indicator/K1?period={Q3}") for h in _hrefs(barking))  # a scorecard row's link
    assert any(h.startswith(f"/p/{HAVERING}/indicator/CSP1?period={Q3}") for h in _hrefs(havering))
    for answer, code in ((barking, BARKING), (havering, HAVERING)):
        local = [h for h in _hrefs(answer) if h.startswith("/") and not h.startswith("/login")]
        assert local and all(h.startswith(f"/p/{code}/") for h in local), local

    # The API: the same split, under /api/v1/p/CODE/.
    assert _api_codes(client, f"/api/v1/p/{BARKING}/scorecard?period={Q3}") == ["K1"]
    havering_codes = _api_codes(client, f"/api/v1/p/{HAVERING}/scorecard?period={Q3}")
    assert "CSP1" in havering_codes and "K1" not in havering_codes
    assert _api_codes(client, f"/api/v1/p/{BARKING}/indicators") == ["K1"]

    # The page tells its renderer to ask for layout and callbacks under its own address, and the
    # menu (in the layout) keeps the partnership.
    page = client.get(f"/p/{BARKING}/indicator/K1?period={Q3}")
    assert page.status_code == 200
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page.get_data(as_text=True), re.S).group(1))  # fmt: skip
    assert config["requests_pathname_prefix"] == f"/p/{BARKING}/"
    layout = client.get(f"/p/{BARKING}/_dash-layout")
    menu = [h for h in _hrefs(layout.get_json()) if not h.startswith(("#", "/login", "/logout", "/partnerships"))]
    assert menu and all(h.startswith(f"/p/{BARKING}/") for h in menu), menu

    # The list of partnerships links to each one's own address.
    listing = callback_body(
        app, "_pages_content.children", {"_pages_location.pathname": "/partnerships", "_pages_location.search": ""}
    )
    hrefs = _hrefs(client.post("/_dash-update-component", json=listing).get_json())
    assert f"/p/{BARKING}/" in hrefs and f"/p/{HAVERING}/" in hrefs, hrefs

    # Downloads and embeds: the embed's link back stays under the partnership.
    embed = client.get(f"/p/{BARKING}/embed/indicator/K1?period={Q3}")
    assert embed.status_code == 200 and f'href="/p/{BARKING}/indicator/K1?period={Q3}' in embed.get_data(as_text=True)
    assert client.get(f"/p/{BARKING}/export/data/K1.csv?period={Q3}").status_code == 200


def test_an_unknown_partnership_is_a_readable_404(demo_engine, database_url):
    app = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")
    client = app.server.test_client()
    page = client.get(f"/p/{NOBODY}/indicator/CSP1")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "No such partnership" in page.get_data(as_text=True) and NOBODY in page.get_data(as_text=True)
    api = client.get(f"/api/v1/p/{NOBODY}/scorecard")
    assert api.status_code == 404 and NOBODY in api.get_json()["error"]["message"]
    body = callback_body(
        app, "_pages_content.children", {"_pages_location.pathname": f"/p/{NOBODY}/", "_pages_location.search": ""}
    )
    assert client.post(f"/p/{NOBODY}/_dash-update-component", json=body).status_code == 404
    assert client.get(f"/p/{HAVERING}/").status_code == 200  # the one held


def test_old_addresses_redirect_to_the_partnership(demo_engine, database_url, tmp_path):
    one = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")
    client = one.server.test_client()
    for old, new in (
        (f"/indicator/CSP1?period={Q3}", f"/p/{HAVERING}/indicator/CSP1?period={Q3}"),
        ("/", f"/p/{HAVERING}/"),
        (f"/api/v1/scorecard?period={Q3}", f"/api/v1/p/{HAVERING}/scorecard?period={Q3}"),
        (f"/embed/indicator/CSP1?period={Q3}", f"/p/{HAVERING}/embed/indicator/CSP1?period={Q3}"),
        (f"/export/data/CSP1.csv?period={Q3}", f"/p/{HAVERING}/export/data/CSP1.csv?period={Q3}"),
    ):
        response = client.get(old)
        assert (response.status_code, response.headers.get("Location")) == (302, new), old
        followed = client.get(old, follow_redirects=True)
        assert followed.status_code == 200, old
        if response.headers["Location"].startswith(("/api/", f"/p/{HAVERING}/export/")):  # pages hold per-load tokens
            assert followed.get_data() == client.get(new).get_data(), old
    hostile = client.get("/export/data/x%0D%0AX-Evil:%201.csv")  # a line break stays encoded, never a header
    assert hostile.status_code == 302 and hostile.headers["Location"] == f"/p/{HAVERING}/export/data/x%0D%0AX-Evil:%201.csv"
    # A page loaded at an old address goes on working: its callbacks are served where they are.
    body = callback_body(one, "_pages_content.children", {"_pages_location.pathname": "/", "_pages_location.search": ""})
    assert client.post("/_dash-update-component", json=body).status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200  # the same for every partnership

    _with_barking(demo_engine, tmp_path)
    several = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true").server.test_client()
    assert several.get(f"/indicator/K1?period={Q3}").headers["Location"] == "/partnerships"
    api = several.get(f"/api/v1/scorecard?period={Q3}")
    assert api.status_code == 404 and "/api/v1/p/<CODE>/scorecard" in api.get_json()["error"]["message"]
    chosen = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true", CSPDASH_PARTNERSHIP=BARKING).server.test_client()
    assert chosen.get(f"/indicator/K1?period={Q3}").headers["Location"] == f"/p/{BARKING}/indicator/K1?period={Q3}"
    assert chosen.get("/api/v1/indicators").headers["Location"] == f"/api/v1/p/{BARKING}/indicators"


def _stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(map(tuple, conn.execute(text("SELECT indicator_code, area_code, target FROM target"))))


def _targets_save(app, area: str, indicator: str) -> dict:
    return targets_save_body(app, area, indicator, "from the address")


def test_a_role_in_one_partnership_writes_nothing_in_another_through_its_address(demo_engine, database_url, tmp_path):
    """ana is an analyst of Havering and a viewer of Barking: at /p/BARKING/targets her save is
    refused (and recorded), whatever the form names; at /p/HAVERING/ it goes through."""
    _with_barking(demo_engine, tmp_path)
    app = make_dashboard_app(database_url)
    client = app.server.test_client()
    assert web_sign_in(client, "ana", next_path=f"/p/{BARKING}/targets").headers["Location"] == f"/p/{BARKING}/targets"
    before = _stored(demo_engine)
    for area, indicator in ((BARKING, "K1"), (HAVERING, "CSP1")):
        response = client.post(f"/p/{BARKING}/_dash-update-component", json=_targets_save(app, area, indicator))
        assert response.status_code == 403, response.get_data(as_text=True)[:300]
        assert _stored(demo_engine) == before
        with session_scope(demo_engine) as session:
            last = refusals(session, limit=1)[0]
            assert (last.user, last.key) == ("ana", BARKING)
    saved = client.post(f"/p/{HAVERING}/_dash-update-component", json=_targets_save(app, HAVERING, "CSP1"))
    assert saved.status_code == 200 and "Saved by ana at" in saved.get_data(as_text=True)
    assert _stored(demo_engine) != before


def test_a_private_partnership_at_its_address_is_read_only_by_its_members(demo_engine, database_url, tmp_path):
    _with_barking(demo_engine, tmp_path)
    with session_scope(demo_engine) as session:
        add_user(session, "lena", WEB_PASSWORD, "lead", by="test", partnership=HAVERING)
        set_private(session, BARKING, True)
    app = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")
    anonymous = app.server.test_client()
    page = anonymous.get(f"/p/{BARKING}/indicator/K1?period={Q3}")
    assert page.status_code == 302 and page.headers["Location"] == f"/login?next=/p/{BARKING}/indicator/K1%3Fperiod%3D{Q3}"
    assert anonymous.get(f"/api/v1/p/{BARKING}/scorecard?period={Q3}").status_code == 401
    assert anonymous.get(f"/p/{HAVERING}/").status_code == 200
    for who, status in (("lena", 403), ("ana", 200)):
        client = app.server.test_client()
        web_sign_in(client, who)
        assert client.get(f"/p/{BARKING}/").status_code == status, who
        assert client.get(f"/api/v1/p/{BARKING}/scorecard?period={Q3}").status_code == status, who


def test_the_shared_cache_keeps_each_partnerships_answers_apart(demo_engine, database_url, tmp_path):
    """The same download, and the same callback request, at two partnerships' addresses: each
    answer is that partnership's, though the first was kept in the shared cache."""
    _with_barking(demo_engine, tmp_path)
    app = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")
    client = app.server.test_client()  # nobody signed in: answers are cached
    havering, barking = (client.get(f"/p/{code}/export/summary.csv?period={Q3}") for code in (HAVERING, BARKING))
    assert havering.status_code == barking.status_code == 200
    assert havering.get_data() != barking.get_data()
    body = callback_body(app, "shell-area.children", {"_pages_location.pathname": "/"})
    names = [client.post(f"/p/{code}/_dash-update-component", json=body).get_json() for code in (HAVERING, BARKING)]
    assert [json.dumps(n) for n in names] != [json.dumps(names[0])] * 2
    assert "Barking" in json.dumps(names[1]) and "Havering" in json.dumps(names[0])
