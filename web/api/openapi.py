"""The OpenAPI 3.1 document for ``/api/v1``, built from the same column lists the views use,
so a column added to a view and not described here fails ``tests/test_api.py``."""

from __future__ import annotations

from typing import Any

from views import api as v

NUMBER = {"type": ["number", "null"]}
TEXT = {"type": ["string", "null"]}
RATING = {"type": "string", "enum": ["Green", "Amber", "Red", "Not rated", "No data"]}
DIRECTION = {
    "type": "string",
    "enum": ["better", "worse", "same", "n/a", "up", "down"],
    "description": "better/worse for rated indicators; up/down (neither better nor worse) for context indicators",
}
QUARTER = {"type": "string", "pattern": r"^\d{4}-\d{2}-Q[1-4]$", "examples": ["2016-17-Q3"]}
TARGET = {
    "target": NUMBER, "target_low": NUMBER, "target_high": NUMBER, "tolerance": NUMBER,
    "tolerance_type": {"type": ["string", "null"], "enum": ["abs", "pct", None]},
}  # fmt: skip
ROW_SCHEMAS: dict[str, dict[str, Any]] = {
    "ScorecardRow": {
        "code": {"type": "string"}, "name": {"type": "string"}, "goal": {"type": "string"},
        "unit": {"type": "string", "enum": ["count", "percent", "rate"]}, "polarity": {"type": "string", "enum": ["lower", "higher", "band"]},
        "basis": {"type": "string", "enum": ["quarter", "ytd"]}, "rated": {"type": "boolean"},
        "actual": NUMBER, "quarter_value": NUMBER, "ytd_value": NUMBER, "previous_quarter": NUMBER,
        "same_period_last_year": NUMBER, "change_on_last_year": {**NUMBER, "description": "Per cent change of the rated figure on the same period last year."},
        **TARGET, "rag": RATING, "rag_reason": {"type": "string"},
        "summary_sentence": {"type": "string", "description": "One plain sentence reconciling the rating, the change on last year (and whether "
                             "it is more than chance) and what the monthly or quarterly SPC chart shows against the target, e.g. 'Red: 743 above "
                             "target; up 4.5% on last year, a real rise; monthly figures have run above the target line for 15 months.' "
                             "The same sentence the scorecard, indicator page and pack show."},
        "direction_short": DIRECTION, "direction_long": DIRECTION,
        "comparator_area": {**TEXT, "description": "What the indicator is compared with: an area code, or a relation resolved for the area "
                            "(force, region, country, nation, or group:<name> for a group of similar areas)."},
        "comparator_label": {**TEXT, "description": "The comparator in words, e.g. 'Cleveland police force area' or 'similar partnerships (15)' "
                             "(a group: its name and how many members it has besides this area)."},
        "comparator_value": NUMBER, "comparator_change": {**NUMBER, "description": "Per cent change of the comparator's figure on the same period last year "
                                                          "(a group: of its weighted figure)."},
        "comparator_rate": {**NUMBER, "description": "For a count, the comparator's rate per 1,000 residents; for a group, its weighted figure: "
                            "the members' counts summed over their populations summed (never the mean of their rates), or their "
                            "numerators over their denominators for a percentage. Null when a population or a member's figure is missing "
                            "(see comparator_note)."},
        "home_rate": {**NUMBER, "description": "This area's figure on the same footing as comparator_rate (per 1,000 residents for a count)."},
        "comparator_rank": {"type": "string", "description": "For a group: this area's rank among the members and itself, with which way "
                            "round it counts, e.g. 'Hartlepool 9th of 16 (1st = lowest rate)'; '' otherwise."},
        "comparator_members": {"type": ["integer", "null"], "description": "For a group: how many members it has besides this area."},
        "comparator_note": {"type": "string", "description": "Why the comparator's figure or rates are not available, naming what is missing; '' when they are."},
        "commentary": {"type": "string"},
        "corrective_action": {"type": "string", "description": "The quarter's open and done corrective actions as one text, joined with '; '."},
        "actions": {"type": "array", "items": {"$ref": "#/components/schemas/Action"},
                    "description": "Corrective actions set for this quarter, dropped ones too. In CSV, each action's summary joined with '; '."},
        "previous_actions": {"type": "array", "items": {"$ref": "#/components/schemas/Action"},
                             "description": "Last quarter's corrective actions with how they ended. In CSV, as actions."},
        "flags": {"type": "array", "items": {"type": "string"}, "description": "Notes on the rating, e.g. 'Red without corrective action'. Joined with '; ' in CSV."},
        "notes": {
            "type": "array", "items": {"type": "string"},
            "description": "Notes on the figures, as listed under the scorecard: e.g. 'Q3 2016/17 is the uploaded value 1,000; counts give 1,322', "
            "or a figure not available and why. Joined with '; ' in CSV.",
        },
        "projected_year_end": {**NUMBER, "description": "Projected year-end figure by the seasonal ratio: the year to date times the last complete "
                               "year's full year over its total to the same quarter (a percentage or rate: its numerator and denominator so "
                               "projected, then divided). Null for a context indicator, in Q4, or where no projection can be made (see projection_note)."},
        "projected_low": {**NUMBER, "description": "Low end of the interval: the lowest projection by the same ratio in each of the last five "
                          "complete years (at least three), else the 80% Poisson interval on the remaining months."},
        "projected_high": {**NUMBER, "description": "High end of the interval (as projected_low)."},
        "projection_method": {"type": ["string", "null"], "examples": ["seasonal ratio; range from earlier years (5 years)", "seasonal ratio; 80% Poisson interval"]},
        "on_track": {"type": ["string", "null"], "enum": ["on track", "at risk", "off track", "not judged", None],
                     "description": "Against the year-end target and its tolerance: on track (the whole interval on the good side of the target), "
                     "off track (the whole interval beyond the target and its tolerance), otherwise at risk; not judged for band indicators "
                     "or without a year-end target."},
        "projection_note": {"type": "string", "description": "In words: the on-track reason, or why there is no projection."},
    },
    "Indicator": {
        "code": {"type": "string"}, "name": {"type": "string"}, "goal": {"type": "string"}, "unit": {"type": "string"},
        "polarity": {"type": "string"}, "basis": {"type": "string"}, "source": {"type": "string"}, "rated": {"type": "boolean"},
        "description": {"type": "string"}, "comparator_area": TEXT, "comparator_label": TEXT,
    },
    "SeriesRow": {
        "period": QUARTER, "period_label": {"type": "string"}, "actual": NUMBER, "quarter_value": NUMBER, "ytd_value": NUMBER,
        "same_period_last_year": NUMBER, **TARGET, "rag": RATING, "direction_short": DIRECTION, "direction_long": DIRECTION,
        "comparator_value": NUMBER,
    },
    "CountRow": {
        "area_code": {"type": "string"}, "area_name": {"type": "string"}, "level": {"type": "string"},
        "period": {"type": "string", "description": "YYYY-MM for by=month, 2016-17-Q3 for by=quarter."},
        "count": {"type": ["integer", "null"], "description": "Null for a quarter with a month missing: a partial total is never given."},
        "months_held": {"type": "integer", "minimum": 0, "maximum": 3}, "complete": {"type": "boolean"},
    },
    "Action": {
        "id": {"type": "integer"}, "indicator_code": {"type": "string"}, "area_code": {"type": "string"},
        "period": {**QUARTER, "description": "The quarter the action was set."}, "text": {"type": "string"},
        "owner": {"type": "string", "description": "Who will do it; empty when no one is named."},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "status": {"type": "string", "enum": ["open", "done", "dropped"]},
        "overdue": {"type": "boolean", "description": "Open with a due date before today (worked out, never stored)."},
        "status_text": {"type": "string", "examples": ["Open", "Done", "Dropped", "Overdue (due 31 March 2017)"]},
        "summary": {"type": "string", "description": "The action in words: text, owner, due date and status."},
    },
    "Area": {"code": {"type": "string"}, "name": {"type": "string"}, "level": {"type": "string"}, "parent_code": TEXT, "home": {"type": "boolean"},
             "boundary_vintage": TEXT, "first_month": TEXT, "last_month": TEXT},
}  # fmt: skip
COLUMNS = {
    "ScorecardRow": v.SCORECARD_COLUMNS,
    "Indicator": v.INDICATOR_COLUMNS,
    "SeriesRow": v.SERIES_COLUMNS,
    "CountRow": v.COUNT_COLUMNS,
    "Area": v.AREA_COLUMNS,
    "Action": v.ACTION_COLUMNS,
}
COUNTS = {
    "type": "object",
    "properties": {k: {"type": "integer", "minimum": 0} for k in ("red", "amber", "green", "not_rated", "no_data")},
    "required": ["red", "amber", "green", "not_rated", "no_data"],
}
META: dict[str, dict[str, Any]] = {
    "ScorecardMeta": {
        "period": QUARTER, "period_label": {"type": "string"}, "area_code": {"type": "string"}, "area_name": {"type": "string"},
        "summary": {"type": "object", "properties": {"overall": {"$ref": "#/components/schemas/RagCounts"},
                    "by_goal": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/RagCounts"}}}, "required": ["overall", "by_goal"]},
        "publication": {"type": "object", "description": "Where this quarter's report stands. The rows are the current figures; "
                        "version and published_at are the latest published version's (null if never published); "
                        "published_by is the publisher's login name, published_by_name the name pages show for them.",
                        "properties": {"state": {"type": "string", "enum": ["draft", "submitted", "published"]},
                                       "version": {"type": ["integer", "null"], "minimum": 1},
                                       "published_at": {"type": ["string", "null"], "format": "date-time"}, "published_by": TEXT,
                                       "published_by_name": TEXT},
                        "required": ["state", "version", "published_at", "published_by", "published_by_name"], "additionalProperties": False},
    },
    "IndicatorsMeta": {"count": {"type": "integer"}},
    "SeriesMeta": {
        "code": {"type": "string"}, "name": {"type": "string"}, "unit": {"type": "string"}, "polarity": {"type": "string"}, "basis": {"type": "string"},
        "area_code": {"type": "string"}, "area_name": {"type": "string"}, "from": QUARTER, "to": QUARTER,
        "comparator_area": TEXT, "comparator_label": TEXT,
    },
    "CountsMeta": {"source": {"type": "string", "enum": ["crime", "asb"]}, "by": {"type": "string", "enum": ["month", "quarter"]},
                   "area_code": {"type": "string"}, "area_name": {"type": "string"}, "level": {"type": "string"},
                   "published_to": {**QUARTER, "type": ["string", "null"],
                                    "description": "For readers: the latest published quarter, no month after it given; null: every month held."}},
    "AreasMeta": {"count": {"type": "integer"}, "home": {"type": "string"}},
    "ActionsMeta": {"area_code": {"type": "string"}, "area_name": {"type": "string"}, "period": {**QUARTER, "type": ["string", "null"]},
                    "count": {"type": "integer"}, "today": {"type": "string", "format": "date", "description": "The day overdue is judged on."}},
}  # fmt: skip


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _query(name: str, description: str, schema: dict[str, Any] | None = None, example: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }
    if example:
        out["example"] = example
    return out


FORMAT = _query(
    "format",
    "json (the default) or csv: the data records as CSV, with a header row.",
    {"type": "string", "enum": ["json", "csv"]},
)
PERIOD = _query("period", "Financial-year quarter; default the latest quarter every source holds.", QUARTER, "2016-17-Q3")
AREA = _query("area", "Area code; default the partnership's own area (the one its address names).", example="E09000016")
# Every route is under the partnership it reads (issue 23): /api/v1/p/E09000016/scorecard.
PARTNERSHIP = {
    "name": "partnership",
    "in": "path",
    "required": True,
    "description": "The partnership's area code (a district or CSP), as /partnerships lists them. Its indicators, targets "
    "and publications are the ones read. The address without /p/{partnership} redirects to the deployment's partnership "
    "when it has one (or CSPDASH_PARTNERSHIP names one), else answers 404 naming this form.",
    "schema": {"type": "string"},
    "example": "E09000016",
}
LEVEL = _query("level", "Area level: ward, district (or borough), csp, force, region, country, nation or other.", example="ward")


def _get(
    summary: str, description: str, name: str, parameters: list[dict[str, Any]], errors: tuple[int, ...] = (400, 404)
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "The figures: JSON by default, CSV with ?format=csv.",
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{name}Response"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        "401": {
            "description": "Reading needs a signed-in user (CSPDASH_PUBLIC_READ is off).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}},
        },
    }
    errors = tuple(sorted({*errors, 404}))  # 404 too for a partnership not served here
    for status in errors:
        responses[str(status)] = {"description": {400: "A parameter cannot be read.", 404: "Nothing is held for what was asked, or no such partnership is served."}[status],
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}  # fmt: skip
    return {
        "get": {
            "summary": summary,
            "description": description,
            "operationId": name[:1].lower() + name[1:],
            "parameters": [PARTNERSHIP, *parameters, FORMAT],
            "responses": responses,
        }
    }


def document() -> dict[str, Any]:
    schemas: dict[str, Any] = {name: _object(props) for name, props in ROW_SCHEMAS.items()}
    schemas.update({name: _object(props) for name, props in META.items()})
    schemas["RagCounts"] = COUNTS
    for name, row, meta in (("Scorecard", "ScorecardRow", "ScorecardMeta"), ("Indicators", "Indicator", "IndicatorsMeta"),
                            ("Series", "SeriesRow", "SeriesMeta"), ("Counts", "CountRow", "CountsMeta"), ("Areas", "Area", "AreasMeta"),
                            ("Actions", "Action", "ActionsMeta")):  # fmt: skip
        schemas[f"{name}Response"] = _object(
            {
                "meta": {"$ref": f"#/components/schemas/{meta}"},
                "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{row}"}},
            }
        )
    schemas["Error"] = _object({"error": _object({"status": {"type": "integer"}, "message": {"type": "string"}})})
    schemas["Refusal"] = _object({"message": {"type": "string"}})
    code = {
        "name": "code",
        "in": "path",
        "required": True,
        "description": "Indicator code, e.g. CSP1.",
        "schema": {"type": "string"},
        "example": "CSP1",
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cspdash API",
            "version": "1.0.0",
            "description": "Read-only figures of the Community Safety Partnership dashboard: the same figures as its pages. "
            "Numbers are numbers; null means no figure is held. Add ?format=csv for CSV. Every address names the partnership "
            "it reads: /api/v1/p/E09000016/scorecard.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/p/{partnership}/scorecard": _get(
                "Scorecard",
                "Every indicator rated Red/Amber/Green for one quarter and area, as on the scorecard page.",
                "Scorecard",
                [PERIOD, AREA],
            ),
            "/p/{partnership}/indicators": _get(
                "Indicators", "Every indicator's definition, in the scorecard's order.", "Indicators", [], errors=()
            ),
            "/p/{partnership}/indicators/{code}/series": _get(
                "One indicator by quarter",
                "The indicator scored quarter by quarter, as on its page.",
                "Series",
                [
                    code,
                    AREA,
                    _query("from", "First quarter; default the first held.", QUARTER),
                    _query("to", "Last quarter; default the latest.", QUARTER),
                ],
            ),
            "/p/{partnership}/counts": _get(
                "Recorded counts",
                "Recorded crime or ASB incidents for an area, or each area at a level within it, by month or quarter. Readers "
                "get the months up to the end of the latest published quarter (meta.published_to), as the pages show them.",
                "Counts",
                [
                    _query("source", "crime (default) or asb.", {"type": "string", "enum": ["crime", "asb"]}),
                    AREA,
                    LEVEL,
                    _query("by", "month (default) or quarter.", {"type": "string", "enum": ["month", "quarter"]}),
                ],
            ),  # fmt: skip
            "/p/{partnership}/actions": _get(
                "Corrective actions",
                "Corrective actions for an area, each with its owner, due date and status (open, done or dropped; overdue when "
                "open and due before today), as the indicator and Targets pages list them. Every quarter unless period is given.",
                "Actions",
                [
                    _query("period", "The quarter the actions were set; default every quarter.", QUARTER, "2016-17-Q3"),
                    AREA,
                    _query("indicator", "Indicator code; default every indicator.", example="CSP1"),
                    _query(
                        "status",
                        "open, done, dropped or overdue.",
                        {"type": "string", "enum": ["open", "done", "dropped", "overdue"]},
                    ),
                ],
            ),
            "/p/{partnership}/areas": _get("Areas", "Every area held, broadest first.", "Areas", [LEVEL], errors=(400,)),
        },
        "components": {"schemas": schemas},
    }
