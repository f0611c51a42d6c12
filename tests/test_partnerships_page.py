"""The landing page listing the partnerships (issue 23 part 1, ``/partnerships``): each partnership
the visitor may read with its latest published quarter and that quarter's RAG summary in words
and counts, linking to its scorecard; "No report published yet" where none is; a private
partnership only to its members and administrators; the menu offers the page only when more
than one partnership is held. Flask test client, real SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter

from rules.periods import Quarter
from rules.rating import Rating
from store.db import session_scope
from store.partnerships import add_partnership, set_private
from store.published import published_scorecard
from store.publishing import publish_quarter
from store.users import Principal, add_user, set_role
from tests.conftest import WEB_PASSWORD, callback_body, make_dashboard_app, web_sign_in

HAVERING, BARKING = "E09000016", "E09000002"
Q3 = Quarter.parse("2016-17-Q3")
FILES = {"html": b"<!doctype html><title>pack</title>"}


def _page(app, client) -> str:
    """The page as Dash Pages' own routing callback renders it for ``client``, as JSON text."""
    body = callback_body(
        app, "_pages_content.children", {"_pages_location.pathname": "/partnerships", "_pages_location.search": ""}
    )
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json())


def _menu_hrefs(client) -> list[str]:
    """The addresses the page frame's menu links to, for ``client``."""
    response = client.get("/_dash-layout")
    assert response.status_code == 200
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if str(props.get("id", "")).startswith("nav-") and props.get("href"):
                found.append(props["href"])
            for value in (*node.values(), *props.values()):
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(response.get_json())
    return found


def _publish_havering(engine) -> Counter[Rating]:
    """Publish Havering's Q3 (forced: the demo has no sign-off); the ratings of the rated
    indicators it froze (those the scorecard's summary counts; context indicators are not), counted."""
    with session_scope(engine) as session:
        publish_quarter(session, Q3, HAVERING, Principal("lee", "lead"), files=FILES, force=True, reason="test publication")
    with session_scope(engine) as session:
        published = published_scorecard(session, Q3, HAVERING)
        assert published is not None
        return Counter(row.rag for row in published.card.rows if row.rated)


def test_partnerships_page_lists_the_latest_published_summary_and_the_menu_offers_it_only_with_two(demo_engine, database_url):
    one = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")
    alone = _menu_hrefs(one.server.test_client())
    assert "/demand" in alone and "/partnerships" not in alone  # one partnership: no list in the menu

    ratings = _publish_havering(demo_engine)
    assert ratings[Rating.GREEN] + ratings[Rating.AMBER] + ratings[Rating.RED] > 0
    with session_scope(demo_engine) as session:
        add_partnership(session, BARKING, "Barking and Dagenham CSP")
    app = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")
    client = app.server.test_client()
    assert "/partnerships" in _menu_hrefs(client)

    page = _page(app, client)
    words = f"{ratings[Rating.GREEN]} Green, {ratings[Rating.AMBER]} Amber, {ratings[Rating.RED]} Red"
    if ratings[Rating.NOT_RATED]:
        words += f", {ratings[Rating.NOT_RATED]} Not rated"
    if ratings[Rating.NO_DATA]:
        words += f", {ratings[Rating.NO_DATA]} with no figure"
    assert "Q3 2016/17" in page and words in page, page[page.find(HAVERING) - 300 :][:900]
    assert f'"{words}"' in page  # the whole cell: no other rating left out
    assert f'"/p/{HAVERING}/?period=2016-17-Q3"' in page  # its scorecard, at the partnership's own address
    assert "Barking and Dagenham CSP" in page and BARKING in page
    assert "No report published yet" in page
    assert f'"/p/{BARKING}/"' in page


def test_partnerships_page_shows_a_private_partnership_only_to_its_members(demo_engine, database_url):
    with session_scope(demo_engine) as session:
        add_user(session, "ana", WEB_PASSWORD, "analyst", by="test")
        add_user(session, "lena", WEB_PASSWORD, "lead", by="test")
        add_user(session, "root", WEB_PASSWORD, "admin", by="test")
        add_partnership(session, BARKING, "Barking and Dagenham CSP", private=True)
        set_role(session, "ana", "viewer", by="test", partnership=BARKING)
    app = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")

    for who, sees_barking in ((None, False), ("lena", False), ("ana", True), ("root", True)):
        client = app.server.test_client()
        if who is not None:
            assert web_sign_in(client, who).status_code == 302
        page = _page(app, client)
        assert HAVERING in page, who  # the public partnership is listed to everyone
        assert (BARKING in page) is sees_barking, who
        assert ("Barking and Dagenham CSP" in page) is sees_barking, who

    with session_scope(demo_engine) as session:
        set_private(session, BARKING, False)
    public = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")
    assert BARKING in _page(public, public.server.test_client())
