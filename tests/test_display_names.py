"""People are named by their display names on the pages and in the API ("published by Lee
Okafor"), not by the login names they sign in with; the records keep the login name.
Rendered by the real app on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib

from rules.periods import Quarter
from store.db import session_scope
from store.publishing import publish_quarter, submit_quarter
from store.users import Principal, add_user
from tests.conftest import make_dashboard_app
from tests.helpers import text, walk
from tests.test_publishing import FILES

Q3, Q4 = Quarter.parse("2016-17-Q3"), Quarter.parse("2016-17-Q4")
HAVERING = "E09000016"


def _people(engine) -> None:
    with session_scope(engine) as session:
        add_user(session, "lee", "a long passphrase", "lead", display_name="Lee Okafor", email="lee.okafor@havering.gov.uk")
        add_user(session, "priya", "a long passphrase", "analyst", display_name="Priya Shah")


def _banner(app, period: Quarter) -> str:
    module = importlib.import_module("dashboards.scorecard")
    with app.server.test_request_context("/"):
        page = module.layout(period=period.key, area=HAVERING)
    return text(next(c for c in walk(page) if getattr(c, "id", None) == "scorecard-publication-banner"))


def test_published_and_submitted_by_show_display_names(demo_engine, database_url: str) -> None:
    _people(demo_engine)
    with session_scope(demo_engine) as session:
        publish_quarter(session, Q3, HAVERING, Principal("lee", "lead"), files=FILES, force=True, reason="Demo data")
        submit_quarter(session, Q4, HAVERING, Principal("priya", "analyst"), note="Ready")
    app = make_dashboard_app(database_url, CSPDASH_SHOW_DRAFTS="true")
    published = _banner(app, Q3)
    assert "by Lee Okafor" in published and "by lee" not in published
    submitted = _banner(app, Q4)
    assert "Submitted for sign-off on" in submitted and "by Priya Shah" in submitted and "by priya" not in submitted


def test_api_keeps_the_login_name_and_adds_the_display_name(demo_engine) -> None:
    from views.api import _publication

    _people(demo_engine)
    with session_scope(demo_engine) as session:
        publish_quarter(session, Q3, HAVERING, Principal("lee", "lead"), files=FILES, force=True, reason="Demo data")
    with session_scope(demo_engine) as session:
        shown = _publication(session, Q3, HAVERING)
    assert (shown["published_by"], shown["published_by_name"]) == ("lee", "Lee Okafor")


def test_a_publisher_without_a_display_name_is_shown_by_login_name(demo_engine, database_url: str) -> None:
    with session_scope(demo_engine) as session:
        publish_quarter(session, Q3, HAVERING, Principal("lee", "lead"), files=FILES, force=True, reason="Demo data")
    assert "by lee" in _banner(make_dashboard_app(database_url), Q3)


def test_revisions_name_who_changed_a_figure_by_display_name(demo_engine) -> None:
    """The "What changed it" column of the revisions list: "target edited on the web by Priya
    Shah", not the login name; an upload's words and an unknown name stay as they are."""
    from datetime import UTC, datetime

    from reporting.revisions import ChangeSource, Revision, RevisionReport
    from store.publishing import quarter_state
    from views.people import named_report

    _people(demo_engine)
    at = datetime(2017, 2, 1, tzinfo=UTC)
    sources = [
        ChangeSource(at, "priya", "target edited on the web by priya"),
        ChangeSource(at, "lee", "upload 7 (crime): oct.csv", 7, "oct.csv", "crime"),
        ChangeSource(at, "cli", "commentary changed by cli"),
    ]
    with session_scope(demo_engine) as session:
        publish_quarter(session, Q3, HAVERING, Principal("lee", "lead"), files=FILES, force=True, reason="Demo data")
        version = quarter_state(session, Q3, HAVERING).latest
        revision = Revision("CSP1", "Total notifiable offences", "target", "Target", 1, 2, "1", "2", sources=sources)
        named = named_report(session, RevisionReport(Q3, HAVERING, version, [revision]))
    assert named is not None
    assert named.version.published_by == "Lee Okafor"
    assert named.revisions[0].sources_text == (
        "target edited on the web by Priya Shah; upload 7 (crime): oct.csv; commentary changed by cli"
    )
    assert [s.by for s in named.revisions[0].sources] == ["Priya Shah", "Lee Okafor", "cli"]
