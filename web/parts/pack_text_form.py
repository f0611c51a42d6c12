"""The Targets page's "Committee pack" section (issue 20 part 3): for one area and quarter, the
report author's contact details and the lead officer (overriding the settings), the
implications and risks and the background papers. A field left empty takes the setting or the
default wording (``reporting.pack_text``), which the hints show. Saving records who and when in
the change log and refuses to overwrite a later save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dash import dcc, html

from reporting.edits import StaleEdit
from reporting.pack_text import (
    DEFAULT_BACKGROUND_PAPERS,
    DEFAULT_FINANCIAL,
    DEFAULT_HUMAN_RESOURCES,
    DEFAULT_LEGAL,
    LABELS,
    PackText,
    problems,
)
from rules.periods import PeriodError, Quarter
from settings import Settings
from store.db import Engine, session_scope
from store.pack_sections import pack_text, pack_text_version, save_pack_text
from web.parts.fields import line_field, textarea_field

PREFIX = "targets-pack-"  # web/access.py lets only analysts write to targets-… ids
FIELD_IDS = {name: f"{PREFIX}{name.replace('_', '-')}" for name in LABELS}
KINDS = {"author_email": "email", "author_phone": "tel"}
DEFAULT_EQUALITIES = (
    "the indicators rated Red this quarter, named as possibly having equality and social inclusion implications "
    "if performance does not improve"
)


@dataclass(frozen=True)
class PackTextState:
    period: Quarter
    area: str
    area_name: str
    text: PackText
    version: str


def load(engine: Engine, period: Quarter, area: str, area_name: str) -> PackTextState:
    with session_scope(engine) as session:
        return PackTextState(period, area, area_name, pack_text(session, period, area), pack_text_version(session, period, area))


def _setting_hint(value: str, what: str) -> str:
    return f"Left empty, the pack gives {what}: {value}." if value else f"Left empty, the pack gives {what}, which is not set."


def _hints(settings: Settings) -> dict[str, str]:
    return {
        "author_name": _setting_hint(settings.report_author, "the report author setting"),
        "author_role": _setting_hint(settings.report_author_role, "the author's role setting"),
        "author_email": _setting_hint(settings.report_author_email, "the author's email setting"),
        "author_phone": _setting_hint(settings.report_author_phone, "the author's phone setting"),
        "lead_officer": _setting_hint(settings.lead_officer, "the lead officer setting"),
        "financial": f"Left empty, the pack says: {DEFAULT_FINANCIAL}",
        "legal": f"Left empty, the pack says: {DEFAULT_LEGAL}",
        "human_resources": f"Left empty, the pack says: {DEFAULT_HUMAN_RESOURCES}",
        "equalities": f"Left empty, the pack names {DEFAULT_EQUALITIES}.",
        "background_papers": f"Left empty, the pack says: {DEFAULT_BACKGROUND_PAPERS} One paper a line, with its address.",
    }


def context(state: PackTextState) -> dict[str, Any]:
    return {"period": state.period.key, "area": state.area, "version": state.version}


def section(state: PackTextState, settings: Settings) -> html.Fieldset:
    hints = _hints(settings)
    values = state.text.as_dict()
    contact = [
        line_field(FIELD_IDS[n], LABELS[n], values[n], hint=hints[n], kind=KINDS.get(n, "text"))
        for n in ("author_name", "author_role", "author_email", "author_phone", "lead_officer")
    ]
    sections = [
        textarea_field(FIELD_IDS[n], LABELS[n], values[n], hint=hints[n], rows=3)
        for n in ("financial", "legal", "human_resources", "equalities", "background_papers")
    ]
    return html.Fieldset(
        [
            html.Legend(html.H2(f"Committee pack for {state.area_name}, {state.period.label}", className="fieldset__heading")),
            html.P(
                "The report's contact details and its implications and risks, as the committee pack prints them for this "
                "quarter. Publishing freezes them with the pack: a later edit changes only later packs.",
                className="hint",
            ),
            html.Div(id=f"{PREFIX}errors"),
            html.H3("Report author and contact details"),
            *contact,
            html.H3("Implications and risks, and background papers"),
            *sections,
            html.Button("Update the pack text", id=f"{PREFIX}save", className="button", n_clicks=0),
            html.Div(id=f"{PREFIX}message", role="status"),
            dcc.Store(id=f"{PREFIX}context", data=context(state)),
        ],
        className="form-section",
        id=f"{PREFIX}section",
    )


@dataclass(frozen=True)
class SaveResult:
    problems: list[tuple[str, str]]
    message: str = ""
    version: str = ""


def save(engine: Engine, editing: dict[str, Any], values: dict[str, Any], user: str, now: datetime | None = None) -> SaveResult:
    """Store the form's ``values`` (field name → text) for the quarter and area it was shown for."""
    try:
        period = Quarter.parse(str(editing.get("period")))
    except PeriodError as exc:
        return SaveResult([("period", f"{exc}: reload the page and try again.")])
    area = str(editing.get("area") or "")
    text = PackText.from_mapping(values)
    found = problems(text)
    if found:
        return SaveResult(found)
    now = now or datetime.now(UTC)
    try:
        with session_scope(engine) as session:
            changed = save_pack_text(session, period, area, text, user, now, editing.get("version"))
            version = pack_text_version(session, period, area)
    except StaleEdit as exc:
        when = f" at {exc.at:%H:%M on %-d %B %Y}" if exc.at else ""
        return SaveResult(
            [("period", f"{exc.by} saved the pack text{when}, after you opened this page: reload it to see their text.")]
        )
    message = f"Pack text for {period.label} saved." if changed else "Nothing changed: the pack text is as it was."
    return SaveResult([], message, version)
