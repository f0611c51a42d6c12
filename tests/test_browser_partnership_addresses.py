"""Moving about within one partnership's address (issue 23 part 1): in a deployment holding the
Havering demo and Barking and Dagenham, a reader at /p/E09000002/ sees Barking's own indicator,
follows its row, the menu and the header back, and every address, every link and every request
the page makes stay under /p/E09000002/. Real Chromium on SQLite and PostgreSQL."""

from __future__ import annotations

from store.db import session_scope
from store.partnerships import add_partnership
from tests.helpers import load, write

HAVERING, BARKING = "E09000016", "E09000002"
Q3 = "2016-17-Q3"
INDICATORS = "code,name,goal,unit,polarity,basis,measure,rated\nK1,Calls for help,Safe,count,lower,quarter,values,true\n"


def _local_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h.startswith("/") and not h.startswith(("/login", "/logout", "/partnerships"))]


def test_browser_links_and_requests_keep_the_partnership_of_the_address(web_live, web_browser, demo_engine, tmp_path) -> None:
    with session_scope(demo_engine) as session:
        add_partnership(session, BARKING, "Barking and Dagenham CSP")
    load(demo_engine, "indicators", write(tmp_path / "i.csv", INDICATORS), partnership=BARKING)
    load(demo_engine, "values", write(tmp_path / "v.csv", f"indicator_code,area_code,period,value\nK1,{BARKING},{Q3},70\n"),
         partnership=BARKING)  # fmt: skip
    page = web_browser
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if "_dash-update-component" in r.url else None)
    root = f"{web_live}/p/{BARKING}/"

    page.goto(f"{root}?period={Q3}")
    page.wait_for_selector("main table a:has-text('Calls for help')")
    assert "Total notifiable offences" not in page.inner_text("main")  # Havering's indicator, not Barking's
    links = _local_links(page)
    assert links and all(h.startswith(f"/p/{BARKING}/") for h in links), links

    page.click("main table a:has-text('Calls for help')")
    page.wait_for_url(lambda url: url.startswith(f"{root}indicator/K1?period={Q3}"))
    page.wait_for_selector("main h1:has-text('Calls for help')")
    links = _local_links(page)
    assert links and all(h.startswith(f"/p/{BARKING}/") for h in links), links

    page.click("#nav-demand")
    page.wait_for_url(lambda url: url.startswith(f"{root}demand?period={Q3}"))  # the menu kept the quarter
    page.wait_for_selector("main h1")
    assert page.get_attribute("header a.app-header__service", "href") == f"/p/{BARKING}/"
    page.click("#nav-scorecard")
    page.wait_for_url(lambda url: url.startswith(f"{root}?period={Q3}"))
    page.wait_for_selector("main table a:has-text('Calls for help')")

    assert posted and all(url.startswith(root) for url in posted), posted
    assert page.console_errors == []
