"""Writing a published quarter's frozen document from the live tables, and rebuilding the
indicator and demand pages' records from it.

Publishing stores one self-describing JSON document per version (``reporting.published_document``
says how a scorecard row is stored and rebuilt): every scorecard row, the RAG summary, each
rated indicator's page figures (quarterly series, comparator, months, commentary history) and
the demand panels. The as-published view is rebuilt from this document alone, never from the
live tables, so later re-loads, target edits, indicator renames and schema migrations cannot
change it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session

from reporting.actions import ActionEntry
from reporting.frozen_json import frozen_value
from reporting.published_document import (
    FORMAT,
    FORMAT_VERSION,
    NOT_RECORDED,
    SPC_NOT_RECORDED,
    FrozenScorecard,
    FrozenSpc,
    canonical_json,
    counts_document,
    row_document,
    row_from_document,
    scorecard_from_document,
    sha256_text,
)
from rules.periods import Quarter
from store.pack_sections import pack_text
from store.partnerships import partnership_of
from store.queries import (
    CommentaryEntry,
    DemandPanel,
    IndicatorDetail,
    IndicatorInfo,
    comparator_levels,
    data_version,
    demand_panels,
    indicator_detail,
)
from store.scorecard import build_scorecard
from store.spc_series import attach_spc

__all__ = [
    "FORMAT", "FORMAT_VERSION", "NOT_RECORDED", "SPC_NOT_RECORDED", "FrozenScorecard", "FrozenSpc", "canonical_json",
    "demand_from_document", "freeze_document", "indicator_detail_from_document", "row_document", "row_from_document",
    "scorecard_from_document", "sha256_text",
]  # fmt: skip


def _detail_doc(detail: IndicatorDetail) -> dict[str, Any]:
    return {
        "indicator": {k: v for k, v in dataclasses.asdict(detail.indicator).items() if k != "partnership_code"},
        "area_name": detail.area_name,
        "history": [row_document(r) for r in detail.history],
        "comparator": detail.comparator,
        "comparator_gaps": detail.comparator_gaps,
        "value_notes": detail.value_notes,
        "monthly": [[m, n] for m, n in detail.monthly],
        "commentary": [
            {
                "period": e.period.key,
                "commentary": e.commentary,
                "corrective_action": e.corrective_action,
                "actions": [a.as_dict() for a in e.actions],
            }  # fmt: skip
            for e in detail.commentary
        ],
    }


def _panel_doc(panel: DemandPanel) -> dict[str, Any]:
    return {
        "indicator": dataclasses.asdict(panel.indicator),
        "points": [[q.key, v] for q, v in panel.points],
        "last_year": panel.last_year,
    }


def freeze_document(session: Session, period: Quarter, area: str) -> dict[str, Any]:
    """Everything the scorecard, indicator pages and demand page show for ``period`` and
    ``area`` now, as plain JSON-ready data. Publishing adds who, when and the pack files."""
    card = build_scorecard(session, period, area)
    attach_spc(session, card)  # the Variation and Assurance columns, as the page shows them
    summary = card.summary
    document: dict[str, Any] = frozen_value(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "period": {"key": period.key, "label": period.label, "months": period.months(), "ytd_months": period.ytd_months()},
            "area": {"code": area, "name": card.area_name},
            "scorecard": [row_document(r, with_spc=True) for r in card.rows],
            "summary": {
                "overall": counts_document(summary.overall),
                "by_goal": [[goal, counts_document(c)] for goal, c in summary.by_goal.items()],  # a list keeps goal order
            },
            "indicators": {r.code: _detail_doc(indicator_detail(session, r.code, period, area)) for r in card.rows if r.rated},
            "demand": [_panel_doc(p) for p in demand_panels(session, period, area)],
            "comparator_levels": comparator_levels(session, period, area),
            "data_version": list(data_version(session, partnership_of(session, area))),
            # The pack's words for the quarter as they stood (issue 20 part 3): a later edit
            # changes neither this document nor the pack files stored with it.
            "pack_text": pack_text(session, period, area).as_dict(),
        }
    )
    return document


_INFO_FIELDS = {f.name for f in dataclasses.fields(IndicatorInfo)}


def _info(data: dict[str, Any]) -> IndicatorInfo:
    fields: dict[str, Any] = {name: data.get(name) for name in _INFO_FIELDS}
    return IndicatorInfo(**fields)


def indicator_detail_from_document(document: dict[str, Any], code: str) -> IndicatorDetail | None:
    """The indicator page's figures as published, or None if the indicator was not rated then."""
    data = (document.get("indicators") or {}).get(code) or next(
        (d for c, d in (document.get("indicators") or {}).items() if c.upper() == code.upper()), None
    )
    if data is None:
        return None
    return IndicatorDetail(
        indicator=_info(data["indicator"]),
        period=Quarter.parse(document["period"]["key"]),
        area_code=document["area"]["code"],
        area_name=data.get("area_name") or document["area"]["name"],
        history=[row_from_document(r) for r in data.get("history", [])],
        comparator=dict(data.get("comparator") or {}),
        comparator_gaps={str(k): str(v) for k, v in (data.get("comparator_gaps") or {}).items()},
        value_notes=[str(n) for n in data.get("value_notes") or []],
        monthly=[(m, n) for m, n in data.get("monthly", [])],
        commentary=[
            CommentaryEntry(
                Quarter.parse(e["period"]),
                e["commentary"],
                e["corrective_action"],
                tuple(ActionEntry.from_dict(a) for a in e.get("actions") or []),
            )  # fmt: skip
            for e in data.get("commentary", [])
        ],
    )


def demand_from_document(document: dict[str, Any]) -> list[DemandPanel]:
    period = Quarter.parse(document["period"]["key"])
    return [
        DemandPanel(_info(p["indicator"]), period, [(Quarter.parse(k), v) for k, v in p["points"]], p.get("last_year"))
        for p in document.get("demand", [])
    ]
