"""The pages as published, rendered by the real app on SQLite and PostgreSQL: the as-published
scorecard reads exactly as the scorecard read when it was published (comparator levels and SPC
verdicts included), before and after a re-load changes the figures; a version stored before
those were frozen says "not recorded when published" instead of something wrong; and the
download links of an as-published page fetch the frozen figures, not today's."""

from __future__ import annotations

import importlib
import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from dash import html

from rules.periods import Quarter
from store.db import session_scope
from store.edits import TargetKey, TargetValues, save_target
from store.published_document import freeze_document
from store.publishing import publish_quarter
from store.users import Principal
from tests.conftest import make_dashboard_app
from tests.helpers import rows_of, text, walk
from tests.test_publishing import FILES, reload_october_with_more_offences

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"
LEAD = Principal("lee", "lead")


def _publish(engine, document: dict | None = None) -> None:
    with session_scope(engine) as session:
        publish_quarter(session, Q3, HAVERING, LEAD, files=FILES, force=True, reason="Demo data", document=document)


def _page(app, name: str, **query: str):
    module = importlib.import_module(f"dashboards.{name}")
    with app.server.test_request_context("/"):
        return module.layout(period=Q3.key, area=HAVERING, **query)


def _by_id(node, wanted: str):
    return next(c for c in walk(node) if getattr(c, "id", None) == wanted)


def _table(app, **query: str) -> list[list[str]]:
    """The scorecard table's rows as their cells' text (what a reader sees)."""
    return rows_of(_by_id(_page(app, "scorecard", **query), "scorecard-table"))


def _cells(rows: list[list[str]], code: str) -> list[str]:
    return next(r for r in rows if f" {code} · " in f" {r[0]}")


def test_as_published_scorecard_reads_as_the_scorecard_did_when_published(demo_engine, database_url: str, tmp_path: Path) -> None:
    _publish(demo_engine)
    app = make_dashboard_app(database_url)
    at_publication = _table(app)
    published = _table(app, **{"as": "published"})
    assert published == at_publication
    # The comparator's own level for a rate, its change for a count; the SPC verdicts as they were.
    assert _cells(published, "CSP2")[-1] == "National average (SafeLives) 24.5%"
    assert _cells(published, "CSP1")[-1] == "London +3.8% on last year"
    variation, assurance = _cells(published, "CSP1")[2:4]
    assert variation.startswith("! special cause") and "XmR chart of 33 months to 2016-12" in variation
    assert "none" not in assurance.split() and "not recorded" not in assurance

    reload_october_with_more_offences(demo_engine, tmp_path)
    now = _table(app)
    assert "13,168" in " ".join(_cells(now, "CSP1")) and now != at_publication
    assert _table(app, **{"as": "published"}) == at_publication
    assert _table(app, **{"as": "published", "version": "1"}) == at_publication


def test_a_version_stored_without_comparator_levels_or_spc_says_not_recorded(demo_engine, database_url: str) -> None:
    """A version published before the comparator levels and SPC verdicts were frozen with it
    says so, rather than showing the change on last year as if it were the level, or "no SPC
    verdict" where there was one."""
    with session_scope(demo_engine) as session:
        document = freeze_document(session, Q3, HAVERING)
    del document["comparator_levels"]
    for row in document["scorecard"]:
        del row["spc_recorded"]
        row["spc"] = None
    _publish(demo_engine, document)
    app = make_dashboard_app(database_url)
    published = _table(app, **{"as": "published"})
    assert _cells(published, "CSP2")[-1] == "National average (SafeLives) not recorded when published"
    assert _cells(published, "CSP1")[-1] == "London +3.8% on last year"  # a count's comparator was always stored
    for cell in _cells(published, "CSP1")[2:4]:
        assert cell.startswith("– not recorded when published"), cell
    everything = " ".join(" ".join(r) for r in published)
    assert "−1.6% on last year" not in everything and "Not enough stored figures" not in everything


def _links(node) -> list[str]:
    return [str(a.href) for a in walk(node) if isinstance(a, html.A) and str(a.href).startswith(("/export/", "/embed/"))]


def test_download_links_of_an_as_published_page_fetch_the_frozen_figures(demo_engine, database_url: str, tmp_path: Path) -> None:
    _publish(demo_engine)
    app = make_dashboard_app(database_url)
    client = app.server.test_client()
    frozen = {"as": "published", "version": "1"}
    pages = {
        name: _page(app, name, **frozen, **({"code": "CSP1"} if name == "indicator" else {}))
        for name in ("scorecard", "indicator", "demand")
    }
    data_links: list[str] = []
    for name, page in pages.items():
        links = _links(page)
        assert len(links) >= 7, (name, links)
        # SPC charts are not frozen: the page says so and their downloads are the current ones.
        spc = [h for h in links if "kind=spc" in h or "table=spc" in h]
        assert all("as=published" not in h for h in spc) and (name != "indicator" or len(spc) == 3), spc
        # The funnel plot (once the national tables are loaded) is current too, like the SPC chart.
        links = [h for h in links if h not in spc and "kind=funnel" not in h and "table=funnel" not in h]
        assert all("&as=published&version=1" in href for href in links), (name, [h for h in links if "as=published" not in h])
        data_links += [h for h in links if ".csv?" in h or ".xlsx?" in h]
    assert {h.split("?")[0] for h in data_links} >= {"/export/summary.csv", "/export/data/CSP1.csv", "/export/demand.csv"}
    # The current pages' links stay current; the as-published scorecard's indicators open as published too.
    assert not any("as=published" in h for h in _links(_page(app, "scorecard")) + _links(_page(app, "indicator", code="CSP1")))
    assert text(_by_id(pages["indicator"], "indicator-spc-current")).startswith("Current figures, not as published:")
    name_link = next(c for c in walk(_by_id(pages["scorecard"], "scorecard-name-CSP1")) if getattr(c, "href", None))
    assert name_link.href == f"/indicator/CSP1?period={Q3.key}&area={HAVERING}&as=published&version=1"

    def fetch(href: str) -> bytes | list:
        """The file's content: CSV bytes, or an XLSX's cell values (its zip carries the time made)."""
        response = client.get(href, follow_redirects=True)  # built outside a request: the old address, redirected
        assert response.status_code == 200, (href, response.get_data(as_text=True)[:300])
        if ".xlsx?" not in href:
            return response.get_data()
        book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
        return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]

    when_published = {href: fetch(href) for href in data_links}
    # The Met re-issues October (13,143 becomes 13,168) and CSP1's target is raised (Red becomes Green).
    reload_october_with_more_offences(demo_engine, tmp_path)
    with session_scope(demo_engine) as session:
        save_target(
            session,
            TargetKey("CSP1", "2016-17", 3, None),
            TargetValues(13500.0, None, None, 2.5, "pct"),
            "priya",
            datetime.now(UTC),
        )
    for href, body in when_published.items():
        assert fetch(href) == body, href
    quarterly = f"/export/data/CSP1.csv?period={Q3.key}&area={HAVERING}&as=published&version=1&table=quarterly"
    assert b"13143" in when_published[quarterly] and b"13168" not in when_published[quarterly]
    assert b"13168" in fetch(quarterly.replace("&as=published&version=1", ""))
    summary = f"/export/summary.csv?period={Q3.key}&area={HAVERING}&as=published&version=1"
    assert fetch(summary) != fetch(summary.replace("&as=published&version=1", ""))  # one Red fewer now
    assert text(_by_id(_page(app, "scorecard", **frozen), "scorecard-summary")) == text(
        _by_id(pages["scorecard"], "scorecard-summary")
    )


def test_publishing_panel_words_a_refusal_with_its_own_controls_not_the_clis_flags() -> None:
    """A lead refused on the page is told which of the panel's controls to use, never
    ``--force`` or ``--reason``."""
    from reporting.workflow import ForceNeedsReason, NotReady
    from web.parts.publishing import FORCE_LABEL, FORCE_YES, REASON_LABEL, _failed

    refused = NotReady(
        Quarter.parse("2016-17-Q3"), "E09000016", ["CSP1 Total notifiable offences: Red without corrective action"]
    )
    words = text(_failed("Not published", refused))
    assert words == (
        "Not published Q3 2016/17 for E09000016 cannot be published yet: CSP1 Total notifiable offences: Red without "
        f"corrective action Put these right, or choose “{FORCE_YES}” for “{FORCE_LABEL}” and give the reason, which is recorded."
    )
    words = text(_failed("Not published", ForceNeedsReason()))
    assert REASON_LABEL in words and "--" not in words
