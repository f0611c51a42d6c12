"""Publishing on the pages: the draft / published banner, the "as published / current"
switch, revision notes and the list of what changed, and the scorecard's sign-off panel
(submit, publish, re-open) for signed-in users with the right role.

The panel's callbacks write only to ``submit-…`` (analyst) and ``publish-…`` (lead) ids, which
``web/access.py`` refuses to anyone without the role; each callback checks again
itself, and ``store.publishing`` checks the role a third time, as it does for the CLI. Refusals
come as typed errors; the panel words what to do about them in terms of its own controls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, callback_context, dcc, html, no_update
from dash.development.base_component import Component

from exports import ExportError
from exports.pack_content import published_anyway_note
from exports.publication import PUBLISH_STEPS, publish_with_pack
from reporting.workflow import ForceNeedsReason, NotReady, PublishingError, QuarterStatus
from rules.periods import PeriodError, Quarter
from store.db import Session, session_scope
from store.publishing import reopen_quarter, submit_quarter
from views import data
from views.data import area_label
from views.people import named_status, named_version, shown_name
from views.publication import DRAFT_BANNER, Publication, parse_request, publication_query
from views.wording import plural
from web.access import can, current_user, guard_write, requires_role
from web.addresses import here
from web.parts import components as ui
from web.parts.context import current_engine, current_settings
from web.parts.fields import line_field, parse_day, select_field, textarea_field
from web.parts.progress_notes import get_note, put_note

DATE_LABEL = "Date of the committee meeting (optional)"
DATE_HINT = (
    "The date the pack's title block gives, such as 17 January 2017 or 2017-01-17. "
    "Left empty, the pack is dated the day it is published."
)


def banner(pub: Publication, page_id: str) -> html.Div:
    """Draft or published, in words (the colour of the box only repeats them)."""
    status = pub.status
    if pub.as_published:
        info = next((v for v in status.versions if v.version == pub.version), status.latest) if pub.version else status.latest
        heading = "As published"
        body = f"These are the figures exactly as published: {info.headline}." if info else "As published."
        kind = "published"
    elif pub.draft:
        info = None
        heading = DRAFT_BANNER
        body = (
            status.headline.removeprefix(DRAFT_BANNER).lstrip(".: ") or "These figures may change before a lead signs them off."
        )
        kind = "draft"
    else:
        info = status.latest
        heading = "Published"
        body = status.headline
        kind = "published"
    anyway = (
        [html.Span(f" {published_anyway_note(info.force_reason)}", id=f"{page_id}-published-anyway")]
        if kind == "published" and info and info.forced and info.force_reason.strip()
        else []
    )
    return html.Div(
        [
            html.Strong(heading, className="pub-banner__heading"),
            html.Span(" " + body.removeprefix(heading).lstrip(".: ").strip()),
            *anyway,
        ],
        className=f"pub-banner pub-banner--{kind}",
        id=f"{page_id}-publication-banner",
        role="note",
    )


def switch(pub: Publication, path: str, base_query: str, page_id: str) -> html.Nav | None:
    """Links between the current figures and the published ones, keeping period and area."""
    if not pub.status.versions:
        return None
    current = dcc.Link("Current figures", href=here(f"{path}{base_query}"), id=f"{page_id}-show-current")
    published = dcc.Link(
        "As published", href=here(f"{path}{publication_query(base_query, True)}"), id=f"{page_id}-show-published"
    )
    items = [
        html.Li(
            html.Strong(["Current figures", html.Span(" (showing)", className="visually-hidden")])
            if not pub.as_published
            else current
        ),
        html.Li(
            html.Strong(["As published", html.Span(" (showing)", className="visually-hidden")]) if pub.as_published else published
        ),
    ]
    if len(pub.status.versions) > 1:
        items += [
            html.Li(dcc.Link(f"Version {v.version}", href=here(f"{path}{publication_query(base_query, True, v.version)}")))
            for v in pub.status.versions
        ]
    return html.Nav(
        html.Ul(items, className="pub-switch__list"),
        className="pub-switch no-print",
        id=f"{page_id}-publication-switch",
        **ui.attrs({"aria-label": "Current or published figures"}),
    )


def revised_note(pub: Publication | None, code: str, field_name: str) -> html.Span | None:
    """The note shown beside a figure revised since publication, or None."""
    text = pub.note(code, field_name) if pub else None
    return html.Span(["⚠ ", text], className="cell-note revised-note", id=f"revised-{code}-{field_name}") if text else None


def changes_section(pub: Publication, page_id: str, code: str | None = None) -> html.Section | None:
    """What has changed since publication (for one indicator when ``code`` is given), with
    any rating that would now be different called out first."""
    report = pub.report
    if report is None or pub.as_published:
        return None
    changes = report.for_indicator(code) if code else report.revisions
    if not changes:
        return None
    ratings = [r for r in report.rating_changes if code is None or r.code == code]
    parts: list[Component] = [html.H2("Revised since publication", id=f"{page_id}-revisions-heading")]
    parts.append(html.P(f"Compared with {report.version.headline}. The table shows the figures now."))
    if ratings:
        parts.append(
            html.Ul(
                [
                    html.Li(
                        html.Strong(f"⚠ {r.name}: the rating would now be {r.current.value} (published as {r.published.value}).")
                    )
                    for r in ratings
                ],
                className="rating-changes",
                id=f"{page_id}-rating-changes",
            )
        )
    rows = [
        html.Tr(
            [
                html.Th(r.name if not code else r.label, scope="row"),
                html.Td(r.label if not code else ""),
                html.Td(r.published_text, className="num"),
                html.Td(r.current_text, className="num"),
                html.Td(r.sources_text),
            ]
        )
        for r in changes
        if r.field != "rag"
    ]
    if rows:
        head = html.Thead(
            html.Tr(
                [
                    html.Th(t, scope="col")
                    for t in (
                        "Indicator" if not code else "Figure",
                        "Figure" if not code else "",
                        "Published",
                        "Now",
                        "What changed it",
                    )
                ]
            )
        )
        table = html.Table(
            [html.Caption("Figures revised since publication"), head, html.Tbody(rows)],
            className="table revisions-table",
            id=f"{page_id}-revisions-table",
        )
        parts.append(ui.scroll_region("Figures revised since publication (scrolls sideways)", table))
    return html.Section(parts, className="revisions", **ui.attrs({"aria-labelledby": f"{page_id}-revisions-heading"}))


def kept_in_url(query: dict) -> dict[str, str]:
    """What the period and area controls keep when they change the URL: ``as=published`` and
    the version asked for, so changing quarter or area stays on the published figures."""
    as_published, version, error = parse_request(query.get("as"), query.get("version"))
    if not as_published:
        return {}
    return {"as": "published", **({"version": str(version)} if version and not error else {})}


def links_query(pub: Publication | None, base_query: str) -> str:
    """The query for a page's download links: as published (and the version) when the page
    is, so the file downloaded holds the frozen figures the page shows."""
    return publication_query(base_query, pub.as_published, pub.version) if pub else base_query


def current_figures_notice(params: dict, period: Quarter, area: str, page_id: str) -> list[Component]:
    """For /map, /ward and /london asked for ``?as=published``: publishing freezes the scorecard,
    indicator and demand figures and the committee pack, not maps or ward profiles. Say that
    these figures are current, and link to the scorecard as published for the quarter (a
    list: empty when the page was not asked for the published figures)."""
    as_published, version, error = parse_request(params.get("as"), params.get("version"))
    if not as_published:
        return []
    href = "/" + publication_query(f"?period={period.key}&area={area}", True, None if error else version)
    notice = html.Div(
        [
            html.H2("These figures are current, not as published", className="notice__heading"),
            html.P(
                [
                    "Maps and ward profiles always show the figures held now: publishing freezes the scorecard, the "
                    "indicator and demand pages and the committee pack, not the maps. ",
                    dcc.Link(
                        f"See the {period.label} scorecard as published", href=here(href), id=f"{page_id}-published-scorecard"
                    ),
                    ".",
                ]
            ),
        ],
        className="notice notice--warning",
        id=f"{page_id}-current-notice",
        role="status",
    )
    return [notice]


def not_published(message: str, path: str, base_query: str) -> html.Div:
    return ui.notice(
        "No published version", [html.P(message), dcc.Link("Show the current figures", href=here(f"{path}{base_query}"))], "info"
    )


# --- Sign-off panel (scorecard) --------------------------------------------------------------

# The publish form's own controls, which a refusal names (never the CLI's flags).
FORCE_LABEL = "Publish even though something is missing?"
FORCE_YES = "Yes, and record the reason below"
REASON_LABEL = "Reason for publishing anyway (needed if Yes above)"
POLL_MS = 600  # how often the page asks how far publishing has got
_JOB = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def panel(pub: Publication, period: Quarter, area: str) -> html.Section | None:
    """Submit / publish / re-open for whoever may; nothing for viewers and visitors."""
    if not can("analyst"):
        return None
    state = pub.status.state
    parts: list[Component] = [
        html.H2("Sign-off", id="publishing-heading"),
        html.P(
            pub.status.headline
            if state != "draft"
            else "This quarter's report is a draft: an analyst submits it, and a lead or an administrator publishes it.",
            id="publishing-state",
        ),
        dcc.Store(id="publishing-quarter", data={"period": period.key, "area": area}),
    ]
    actions: list[Component] = []
    if state == "submitted" and pub.status.note.strip():
        actions.append(
            html.P(
                [html.Strong(f"Note from {pub.status.changed_by or 'the analyst'}: "), pub.status.note.strip()],
                id="publishing-submit-note",
                className="publishing-note",
            )
        )
    if state == "draft":
        actions.append(_submit_action())
    if state in ("draft", "submitted") and can("lead"):
        actions.append(
            _action(
                "Publish this quarter", "publish",
                textarea_field("publish-note", "Note (optional)", "", rows=1),
                line_field("publish-date", DATE_LABEL, "", hint=DATE_HINT),
                # A native select (as on the other forms): Dash's Checklist has no accessible name.
                select_field("publish-force", FORCE_LABEL, [("", "No"), ("force", FORCE_YES)], "", store=True),
                textarea_field("publish-reason", REASON_LABEL, "", rows=2),
                html.P("Publishing makes the committee pack in Word, PDF and web page form: it takes about 20 seconds.",
                       className="field-hint"),
            )
        )  # fmt: skip
    if actions:
        # One fieldset round the forms: disabled while publishing works, hidden once it is done.
        parts.append(html.Fieldset(actions, id="publish-lock", className="publishing-lock"))
    if state in ("draft", "submitted") and can("lead"):
        parts += [
            dcc.Store(id="publish-job"),
            dcc.Interval(id="publish-poll", interval=POLL_MS, disabled=True),
            html.Div(id="publish-progress", className="publishing-progress", role="status"),
            html.Div(id="publish-outcome", role="status"),
        ]
    if state == "published" and can("lead"):
        parts.append(
            _action(
                "Re-open for correction",
                "publish-reopen",
                textarea_field("publish-reopen-reason", "Reason for re-opening (needed)", "", rows=2),
                outcome=True,
                secondary=True,
            )
        )
    elif state != "draft" and not can("lead"):
        parts.append(html.P("A lead or an administrator publishes it."))
    return html.Section(
        parts, className="publishing no-print", id="publishing-panel", **ui.attrs({"aria-labelledby": "publishing-heading"})
    )


def _submit_action() -> html.Div:
    """Submit, with a confirm step when rated indicators have no figure for the quarter."""
    confirm = html.Div(
        [
            html.Div(id="submit-warning"),
            html.Button("Submit anyway", id="submit-confirm-button", className="button", type="button"),
            html.Button("Not yet", id="submit-cancel-button", className="button button--secondary", type="button"),
        ],
        id="submit-confirm",
        className="publishing-confirm",
        hidden=True,
    )
    return html.Div(
        [
            textarea_field("submit-note", "Note for the lead (optional)", "", rows=1),
            html.Button("Submit for sign-off", id="submit-button", className="button", type="button"),
            confirm,
            html.Div(id="submit-outcome", role="status"),
        ],
        className="publishing-action",
    )


def _action(words: str, name: str, *fields: Component, outcome: bool = False, secondary: bool = False) -> html.Div:
    """One sign-off action: its fields and its button (``<name>-button``), and with ``outcome``
    where its callback says what happened (``<name>-outcome``; publishing's is outside the form)."""
    button = html.Button(
        words, id=f"{name}-button", className="button button--secondary" if secondary else "button", type="button"
    )
    said = [html.Div(id=f"{name}-outcome", role="status")] if outcome else []
    return html.Div([*fields, button, *said], className="publishing-action", id=f"{name}-form")


def _quarter(data: dict | None) -> tuple[Quarter, str]:
    if not isinstance(data, dict):
        raise PublishingError("The page did not say which quarter: reload it and try again.")
    try:
        return Quarter.parse(str(data.get("period"))), str(data.get("area") or current_settings().home_area)
    except PeriodError as exc:
        raise PublishingError(f"{exc}.") from None


def _area_of(data: dict | None) -> str | None:
    """The area (and so the partnership) a submit, publish or re-open request touches."""
    return str(data.get("area") or "") or None if isinstance(data, dict) else None


def _area_name(area: str) -> str:
    return area_label(current_settings().database_url, area)


def _named(text: str, area: str) -> str:
    """A message with the area's code put as its name (web messages never show GSS codes)."""
    return text.replace(area, _area_name(area)) if area else text


def _done(message: str, query: str) -> list[Component]:
    return [html.P(message), dcc.Link("Reload the scorecard", href=here(f"/{query}"))]


def _failed(heading: str, exc: Exception, area: str = "") -> html.Div:
    """Why an action was refused, and what to do about it with the panel's own controls."""
    if isinstance(exc, NotReady):
        advice = f"Put these right, or choose “{FORCE_YES}” for “{FORCE_LABEL}” and give the reason, which is recorded."
        return ui.notice(
            heading, [html.P(_named(exc.heading, area)), html.Ul([html.Li(_named(m, area)) for m in exc.missing]), html.P(advice)]
        )
    if isinstance(exc, ForceNeedsReason):
        return ui.notice(heading, f"Publishing anyway needs a reason, which is recorded: fill in “{REASON_LABEL}”.")
    return ui.notice(heading, _named(str(exc), area))


def _act(quarter: dict | None, failed: str, act: Callable[[Quarter, str], str]) -> Component | list:
    """Run one sign-off action for the panel's quarter: what it says, with a link to reload the
    scorecard, or why it was refused under the heading ``failed``."""
    area = ""
    try:
        period, area = _quarter(quarter)
        message = act(period, area)
    except (PublishingError, ExportError) as exc:
        return _failed(failed, exc, area)
    return _done(_named(message, area), f"?period={period.key}&area={area}")


def _in_session(change: Callable[[Session, Quarter, str], QuarterStatus]) -> Callable[[Quarter, str], str]:
    """A state change (submit, re-open) in its own transaction; says where the quarter stands now."""

    def act(period: Quarter, area: str) -> str:
        with session_scope(current_engine()) as session:
            return named_status(session, change(session, period, area)).headline

    return act


def missing_figures(period: Quarter, area: str) -> list[str]:
    """The names of the rated indicators with no figure for ``period`` (what submit warns of)."""
    card, _ = data.scorecard(current_settings().database_url, period, area)
    return [r.name for r in card.rows if r.rated and r.actual is None]


def missing_figures_warning(period: Quarter, names: list[str]) -> str:
    """``2 rated indicators have no figure for Q4 2016/17: ASB, MARAC.``"""
    have = "has" if len(names) == 1 else "have"
    return f"{plural(len(names), 'rated indicator')} {have} no figure for {period.label}: {', '.join(names)}."


@requires_role("analyst")
def submit(
    clicks: int | None, confirmed: int | None, cancelled: int | None, note: str | None, quarter: dict | None
) -> tuple[Component | list, Component | list, bool]:
    """Submit; when rated indicators have no figure, first say which and ask to confirm."""
    guard_write("analyst", _area_of(quarter), "submit a quarter")
    trigger = callback_context.triggered_id
    if trigger == "submit-cancel-button":
        return [], [], True
    if trigger == "submit-button":
        try:
            period, area = _quarter(quarter)
        except PublishingError as exc:
            return _failed("Not submitted", exc), [], True
        names = missing_figures(period, area)
        if names:
            warning = ui.notice(
                "Some figures are missing",
                [
                    html.P(missing_figures_warning(period, names), id="submit-missing"),
                    html.P("The lead will see the same gaps before publishing. Submit anyway, or load the figures first."),
                ],
                "warning",
            )
            return [], warning, False
    outcome = _act(
        quarter,
        "Not submitted",
        _in_session(lambda s, p, a: submit_quarter(s, p, a, current_user(), (note or "").strip())),  # type: ignore[arg-type]
    )
    return outcome, [], True


# --- Publishing, with its steps shown as it goes ----------------------------------------------


def _progress_key(job: str) -> str:
    user = current_user()
    return f"cspdash-publish-progress:{user.name if user else ''}:{job}"


def _set_progress(job: str, step: str) -> None:
    """Record how far publishing has got, where every worker can read it."""
    put_note(_progress_key(job), step, timeout=600)


def _get_progress(job: str) -> str | None:
    found = get_note(_progress_key(job))
    return str(found) if found else None


def progress_list(step: str | None, failed: bool = False) -> html.Div:
    """The steps of publishing, each marked done, working or waiting, in words and a symbol."""
    keys = [k for k, _ in PUBLISH_STEPS]
    at = len(keys) if step == "done" else (keys.index(step) if step in keys else 0)
    items = []
    for i, (key, words) in enumerate(PUBLISH_STEPS):
        if i < at:
            mark, state, cls = "✓", "done", "done"
        elif i == at and failed:
            mark, state, cls = "✗", "stopped here", "stopped"
        elif i == at:
            mark, state, cls = "…", "working", "working"
        else:
            mark, state, cls = "○", "waiting", "waiting"
        items.append(
            html.Li(
                [html.Span(mark, **ui.attrs({"aria-hidden": "true"}), className="step-mark"), f" {words} ({state})"],
                className=f"publishing-step publishing-step--{cls}",
                id=f"publish-step-{key}",
            )
        )
    done = sum(1 for i in range(len(keys)) if i < at)
    heading = (
        "Publishing stopped"
        if failed
        else ("Every step done" if step == "done" else f"Publishing: step {min(at + 1, len(keys))} of {len(keys)}")
    )
    return html.Div(
        [
            html.H3(heading, id="publish-progress-heading"),
            html.Progress(value=str(done), max=str(len(keys)), id="publish-progress-bar",
                          **ui.attrs({"aria-labelledby": "publish-progress-heading"})),
            html.Ol(items, className="publishing-steps", id="publish-steps"),
        ]
    )  # fmt: skip


@requires_role("lead")
def poll(_ticks: int | None, job: dict | None) -> Any:
    name = str((job if isinstance(job, dict) else {}).get("job") or "")
    if not _JOB.match(name):
        return no_update
    step, _, failed = (_get_progress(name) or "check").partition(":")
    return progress_list(step, failed=bool(failed))


def _published_state(period: Quarter, area: str, headline: str, forced_reason: str) -> list[Component]:
    """What replaces the form once published: where it stands, and where to see it."""
    query = f"?period={period.key}&area={area}"
    out: list[Component] = [html.H3("Published"), html.P(headline, id="publish-headline")]
    if forced_reason:
        out.append(html.P(f"Published although something was missing, for this reason: {forced_reason}", id="publish-forced"))
    out.append(
        html.Ul(
            [
                html.Li(dcc.Link("See the scorecard as published", href=here(f"/{publication_query(query, True)}"),
                                 id="publish-see-published")),
                html.Li(html.A("Download the committee pack (PDF)", href=here(f"/export/pack.pdf{publication_query(query, True)}"))),
                html.Li(dcc.Link("Reload the scorecard", href=here(f"/{query}"))),
            ]
        )
    )  # fmt: skip
    return out


@requires_role("lead")
def publish(
    job: dict | None, note: str | None, force: str | None, reason: str | None, quarter: dict | None, when: str | None = None
) -> tuple[Any, Any, bool, Any]:
    """Publish with the pack, dated ``when`` (the committee's date; empty: today), telling the
    shared cache each step so ``poll`` can show it. Returns (outcome, progress, whether the
    forms are hidden: only once published, the panel's state line)."""
    name = str((job if isinstance(job, dict) else {}).get("job") or "")
    if not _JOB.match(name):
        return no_update, no_update, False, no_update
    guard_write("lead", _area_of(quarter), "publish a quarter")
    typed = (when or "").strip()
    day = parse_day(typed) if typed else None
    if typed and day is None:
        _set_progress(name, "check:failed")
        refusal = ui.notice("Not published", f"“{DATE_LABEL}” is {typed!r}: give a date like 17 January 2017, or leave it empty.")
        return refusal, progress_list("check", failed=True), False, no_update
    last = {"step": "check"}

    def step(key: str) -> None:
        last["step"] = key
        _set_progress(name, key)

    area = ""
    try:
        period, area = _quarter(quarter)
        info = publish_with_pack(
            current_engine(), period, area, current_settings(), current_user(),  # type: ignore[arg-type]
            note=(note or "").strip(), force=force == "force", reason=(reason or "").strip(), date=day, progress=step,
        )  # fmt: skip
        with session_scope(current_engine()) as session:
            shown = named_version(info, {info.published_by: shown_name(session, info.published_by) or info.published_by})
    except (PublishingError, ExportError) as exc:
        _set_progress(name, last["step"] + ":failed")
        return _failed("Not published", exc, area), progress_list(last["step"], failed=True), False, no_update
    _set_progress(name, "done")
    forced = info.force_reason if info.forced else ""
    state = f"Published: {shown.headline}."
    return _published_state(period, area, f"{shown.headline}.", forced), progress_list("done"), True, state


@requires_role("lead")
def reopen(clicks: int | None, reason: str | None, quarter: dict | None) -> Component | list:
    guard_write("lead", _area_of(quarter), "re-open a quarter")
    return _act(
        quarter,
        "Not re-opened",
        _in_session(lambda s, p, a: reopen_quarter(s, p, a, current_user(), (reason or "").strip())),  # type: ignore[arg-type]
    )


def register_publishing_callbacks(app: Dash) -> None:
    """Per-app callbacks (``app.callback``: this module is not a page, so Dash Pages does not
    re-import it for each app the tests build)."""
    quarter = State("publishing-quarter", "data")
    app.callback(
        Output("submit-outcome", "children"),
        Output("submit-warning", "children"),
        Output("submit-confirm", "hidden"),
        Input("submit-button", "n_clicks"),
        Input("submit-confirm-button", "n_clicks"),
        Input("submit-cancel-button", "n_clicks"),
        State("submit-note", "value"),
        quarter,
        prevent_initial_call=True,
    )(submit)
    # The click makes a job id in the browser (no round trip), which starts publishing; while it
    # works, the forms are disabled and the page polls for the step it has reached.
    app.clientside_callback(
        ClientsideFunction(namespace="cspdash", function_name="publishJob"),
        Output("publish-job", "data"),
        Output("publish-outcome", "children", allow_duplicate=True),  # a refusal from the last try goes
        Input("publish-button", "n_clicks"),
        prevent_initial_call=True,
    )
    app.callback(
        Output("publish-outcome", "children"), Output("publish-progress", "children"), Output("publish-lock", "hidden"),
        Output("publishing-state", "children"), Input("publish-job", "data"), State("publish-note", "value"), State("publish-force-value", "data"),
        State("publish-reason", "value"), quarter, State("publish-date", "value"), prevent_initial_call=True,
        running=[
            (Output("publish-lock", "disabled"), True, False),
            (Output("publish-button", "disabled"), True, False),
            (Output("publish-poll", "disabled"), False, True),
        ],
    )(publish)  # fmt: skip
    app.callback(
        Output("publish-progress", "children", allow_duplicate=True),
        Input("publish-poll", "n_intervals"),
        State("publish-job", "data"),
        prevent_initial_call=True,
    )(poll)
    app.callback(
        Output("publish-reopen-outcome", "children"),
        Input("publish-reopen-button", "n_clicks"),
        State("publish-reopen-reason", "value"),
        quarter,
        prevent_initial_call=True,
    )(reopen)


# --- Hooks for the indicator and demand pages ------------------------------------------------


def page_publication(url: str, period: Quarter, area: str, query: dict) -> tuple[Publication | None, str | None]:
    """(publication, message): the message when the URL asks for frozen figures that don't exist."""
    from views.publication import NotPublished, publication

    as_published, version, error = parse_request(query.get("as"), query.get("version"))
    if error:
        return None, error
    try:
        return publication(url, period, area, as_published, version), None
    except NotPublished as exc:
        return None, str(exc)


def indicator_notes(pub: Publication, code: str) -> html.Section | None:
    """Beside the indicator's figures: each one revised since publication, in words."""
    if pub.report is None or pub.as_published:
        return None
    notes = [
        html.Li([html.Strong(f"{r.label}: "), pub.report.note(r)]) for r in pub.report.for_indicator(code) if r.field != "rag"
    ]
    ratings = [
        html.Li(html.Strong(f"⚠ The rating would now be {c.current.value} (published as {c.published.value})."))
        for c in pub.report.rating_changes
        if c.code == code
    ]
    if not notes and not ratings:
        return None
    return html.Section(
        [
            html.H2("Revised since publication", id="indicator-revisions-heading"),
            html.Ul(ratings + notes, id="indicator-revisions"),
        ],
        className="revisions",
        **ui.attrs({"aria-labelledby": "indicator-revisions-heading"}),
    )


def header(pub: Publication | None, path: str, base_query: str, page_id: str, code: str | None = None) -> list[Component]:
    """Banner, switch and (on an indicator page) revision notes, for the top of a page."""
    if pub is None:
        return []
    parts = [banner(pub, page_id), switch(pub, path, base_query, page_id), indicator_notes(pub, code) if code else None]
    return [p for p in parts if p is not None]
