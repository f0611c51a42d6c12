"""``/api/v1/…`` as plain Flask routes on the Dash server.

* ``GET /api/v1/scorecard?period=&area=`` – every indicator rated for one quarter and area;
* ``GET /api/v1/indicators`` – the indicators' definitions;
* ``GET /api/v1/indicators/<code>/series?area=&from=&to=`` – one indicator by quarter;
* ``GET /api/v1/counts?source=crime|asb&area=&level=&by=month|quarter`` – recorded counts;
* ``GET /api/v1/areas?level=`` – the areas held;
* ``GET /api/v1/openapi.json`` – the OpenAPI 3.1 document describing all of these.

Every answer is ``{"meta": {…}, "data": [{…}, …]}``; ``?format=csv`` gives the ``data``
records as CSV instead (text that a spreadsheet could run as a formula is neutralised, as in
every other download). Errors are ``{"error": {"status": 400, "message": "…"}}`` with that
status. Who may read is decided before a route runs, as for the pages
(``web/access.py``: public when CSPDASH_PUBLIC_READ, else signed in; an API request
without a session gets 401, not the sign-in page).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import flask
import pandas as pd

from exports.file_names import content_disposition, file_stem
from exports.tabular import safe_csv
from settings import Settings
from store.db import DatabaseUnavailable, Session, get_engine, reading
from views import api as figures
from views.api import ApiTable, BadRequest, NotFound
from web.parts.context import current_settings
from web.parts.newer_figures import published_only
from web.serving.unavailable import MESSAGE as UNAVAILABLE

PREFIX = "/api/v1"
FORMATS = ("json", "csv")
log = logging.getLogger(__name__)
blueprint = flask.Blueprint("api_v1", __name__, url_prefix=PREFIX)


def register_api(server: flask.Flask) -> None:
    server.register_blueprint(blueprint)


def as_json(body: object, status: int = 200) -> flask.Response:
    """JSON with keys in the views' column order (the order of the CSV), not sorted."""
    return flask.Response(json.dumps(body, ensure_ascii=False, allow_nan=False), status=status, mimetype="application/json")


def error(status: int, message: str) -> flask.Response:
    return as_json({"error": {"status": status, "message": message}}, status)


def _answer(name: str, build: Callable[[Session, Settings], ApiTable]) -> flask.Response:
    """Run one view in one session and write its table as JSON or CSV."""
    fmt = (flask.request.args.get("format") or "json").lower()
    if fmt not in FORMATS:
        return error(400, f"format={fmt!r} is not a format; choose json or csv.")
    settings = current_settings()  # the home area of the partnership the address names
    try:
        with reading(get_engine(settings.database_url)) as session:
            table = build(session, settings)
    except BadRequest as exc:
        return error(400, str(exc))
    except NotFound as exc:
        return error(404, str(exc))
    except DatabaseUnavailable:
        log.exception("API request %s: database unavailable", flask.request.full_path)
        return error(503, UNAVAILABLE)
    except Exception:  # a broken database is our fault, not the caller's: say so, log the detail
        log.exception("API request %s failed", flask.request.full_path)
        return error(500, "The figures could not be read. The error has been logged.")
    if fmt == "csv":
        return _csv(name, table)
    return as_json({"meta": table.meta, "data": table.rows})


def _csv(name: str, table: ApiTable) -> flask.Response:
    records = [{c: _cell(v) for c, v in row.items()} for row in table.rows]
    frame = pd.DataFrame.from_records(records, columns=table.columns)
    frame = frame.astype(object).where(frame.notna(), None)  # keep integers integers (no 12.0)
    response = flask.Response(safe_csv(frame), mimetype="text/csv")
    response.headers["Content-Disposition"] = content_disposition(f"{file_stem(name) or 'data'}.csv")
    return response


def _cell(value: object) -> object:
    """A list in one CSV cell: its items joined with "; " (an object, such as an action, by its summary)."""
    if isinstance(value, list):
        return "; ".join(str(v.get("summary", v)) if isinstance(v, dict) else str(v) for v in value)
    return value


def _arg(name: str) -> str | None:
    return (flask.request.args.get(name) or "").strip() or None


@blueprint.get("/scorecard")
def scorecard() -> flask.Response:
    return _answer(
        "scorecard",
        lambda s, cfg: figures.scorecard(s, cfg.home_area, _arg("period"), _arg("area"), published_only=published_only()),
    )


@blueprint.get("/actions")
def actions() -> flask.Response:
    return _answer(
        "actions",
        lambda s, cfg: figures.action_list(
            s, cfg.home_area, _arg("area"), _arg("period"), _arg("indicator"), _arg("status"), published_only=published_only()
        ),
    )


@blueprint.get("/indicators")
def indicators() -> flask.Response:
    return _answer("indicators", lambda s, cfg: figures.indicator_list(s))


@blueprint.get("/indicators/<code>/series")
def series(code: str) -> flask.Response:
    return _answer(
        f"{code}-series",
        lambda s, cfg: figures.indicator_series(
            s, cfg.home_area, code, _arg("area"), _arg("from"), _arg("to"), published_only=published_only()
        ),
    )


@blueprint.get("/counts")
def counts() -> flask.Response:
    return _answer(
        "counts",
        lambda s, cfg: figures.counts(
            s, cfg.home_area, _arg("source"), _arg("area"), _arg("level"), _arg("by"), published_only=published_only()
        ),
    )


@blueprint.get("/areas")
def areas() -> flask.Response:
    return _answer("areas", lambda s, cfg: figures.area_list(s, cfg.home_area, _arg("level")))


@blueprint.get("/openapi.json")
def openapi() -> flask.Response:
    from web.api.openapi import document

    return as_json(document())


@blueprint.get("/")
@blueprint.get("/<path:unknown>")
def not_found(unknown: str = "") -> flask.Response:
    return error(404, f"No API at {flask.request.path}. See {PREFIX}/openapi.json for what there is.")
