"""Download and embed URLs, as plain Flask routes on the Dash server.

* ``/export/chart/<code>.<png|svg>?period=…&area=…&kind=trend|ytd|comparator|monthly|spc|funnel`` – the chart as a
  print-quality image (what ``cspdash export chart`` writes);
* ``/export/data/<code>.<csv|xlsx>?period=…&area=…`` – the indicator's figures by quarter,
  safe to open in a spreadsheet (``&table=quarterly|year-to-date|comparator|monthly|spc|funnel``: one
  chart's numbers as the page's table shows them, CSV);
* ``/export/pack.<docx|pdf|html>?period=…&area=…`` – the committee pack (several seconds);
* ``/export/map.<png|svg>?<the /map page's query>`` – the ward map as an image (what
  ``cspdash export map`` writes), and ``/export/map.<csv|xlsx>?…`` – the wards' figures;
* ``/export/ward/<code>.<png|svg>?kind=trend|categories|locator&<the /ward page's query>`` – a
  ward profile chart, and ``/export/ward/<code>.<csv|xlsx>?…`` – the ward's figures by quarter;
* ``/export/london.<png|svg>?kind=tile|geo&<the /london page's query>`` – a London map, and
  ``/export/london.<csv|xlsx>?…`` – the boroughs' figures;
* ``/export/demand.<png|svg>?period=…&area=…[&indicator=CODE]`` – the demand charts as one
  image (or one indicator's), and ``/export/demand.<csv|xlsx>?…`` – their figures;
* ``/export/summary.<png|svg|csv|xlsx>?period=…&area=…`` – the scorecard's summary chart and
  its counts (these four are what ``cspdash export ward|london|demand|summary`` write);
* ``/embed/map?<the /map page's query>`` – the ward map as a standalone page: the map, its
  finding in one line and no navigation;
* ``/embed/indicator/<code>?period=…&area=…`` – one standalone page for an ``<iframe>``: the
  quarterly trend against target and tolerance, a title, the rating and finding in one
  line, and no navigation.

The embed is a Flask route rather than a Dash page because every Dash page is wrapped in
the shell's header and navigation (``web/parts/shell.py``). Its plotly.js is served from
the installed plotly package (``/embed/plotly-<version>.min.js``), never a CDN. This module is not a
Dash page: ``app.py`` calls ``register_export_routes(app.server)``. Sign-in rules apply as
for every page (``web/access.py`` guards all routes).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import urlencode

import flask
import plotly
import plotly.io as pio

from exports import ExportError, NotAvailable
from exports.downloads import (
    Download,
    chart_download,
    data_download,
    demand_download,
    london_download,
    map_download,
    published_suffix,
    summary_download,
    ward_download,
)
from exports.file_names import content_disposition
from exports.images import PLOTLY_JS
from exports.pack import MEDIA_TYPES, load_content, render_pack
from rules.periods import PeriodError, Quarter
from sources.registry import SOURCES
from store.map_queries import MapRequestError, UnknownMeasure
from store.queries import UnknownArea, UnknownIndicator
from views import data
from views.data import PageState
from views.data_line import site_data_line
from views.figures import KINDS, trend_chart, ward_map_chart, ward_map_state
from views.marks import RAG_SHAPE
from views.page_figures import LONDON_KINDS, WARD_KINDS
from views.publication import DRAFT_BANNER, NotPublished, frozen_detail, parse_request, publication, published_pack
from views.records import IndicatorDetail
from views.wording import month_label, target_finding
from web.addresses import here
from web.parts.context import current_engine, current_settings
from web.parts.map_readers import MapReading, map_reading, publishing_area
from web.parts.newer_figures import resolve_for_viewer
from web.serving.headers import with_nonce

log = logging.getLogger(__name__)
blueprint = flask.Blueprint("cspdash_exports", __name__)
# The version is in the path (plotly only links a src ending ".js"), so browsers may cache it.
PLOTLY_URL = f"/embed/plotly-{plotly.__version__}.min.js"


def register_export_routes(server: flask.Flask) -> None:
    """Add the /export/… and /embed/… routes to the Dash app's Flask server (before its
    first request)."""
    server.register_blueprint(blueprint)


class _Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _state() -> tuple[PageState, Quarter]:
    """Period and area from the query string, with the pages' defaults and messages; and the
    period, which is always set (the state's, typed as one that may be missing)."""
    period = flask.request.args.get("period") or None
    if period:
        try:
            Quarter.parse(period)
        except PeriodError as exc:
            raise _Refusal(400, f"{exc}.") from None
    state = resolve_for_viewer(period, flask.request.args.get("area"))  # readers: published quarters only
    if state.error or state.period is None:
        raise _Refusal(404, state.error or "No figures have been loaded yet.")
    return state, state.period


def _as_published() -> tuple[bool, int | None]:
    """``?as=published[&version=N]``: the figures and files frozen when the quarter was published."""
    as_published, version, error = parse_request(flask.request.args.get("as"), flask.request.args.get("version"))
    if error:
        raise _Refusal(400, error)
    return as_published, version


MAPS_ARE_CURRENT = (
    "Maps and ward profiles always show the current figures: publishing freezes the scorecard, the "
    "indicator and demand figures and the committee pack. Leave out ?as=published for the current map."
)


def _current_only() -> None:
    if _as_published()[0]:
        raise _Refusal(404, MAPS_ARE_CURRENT)


def _frozen_args() -> dict[str, str | None]:
    """``as`` and ``version`` for a cache key (only when asked for, so current keys are unchanged)."""
    as_published, version = _as_published()
    return {"as": "published", "version": str(version) if version else None} if as_published else {}


def _text(status: int, message: str) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")


def _file(download: Download, request: flask.Request) -> flask.Response:
    response = flask.Response(download.content, mimetype=download.media_type.split(";")[0])
    response.headers["Content-Type"] = download.media_type
    response.headers["Content-Disposition"] = content_disposition(download.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # The URL does not change when new data is loaded, so always revalidate (cheap: ETag).
    response.set_etag(hashlib.sha256(download.content).hexdigest())
    response.cache_control.no_cache = True
    response.make_conditional(request)  # sets 304 or 206 on this response (and returns it, typed as werkzeug's)
    return response


@lru_cache(maxsize=32)
def _cached_chart(
    url: str,
    version: tuple,
    code: str,
    period: Quarter,
    area: str,
    kind: str,
    fmt: str,
    as_published: bool = False,
    published: int | None = None,
) -> Download:
    """Keyed by the data version (as ``views.data``): images cost a browser render."""
    return chart_download(current_engine(), code, period, area, kind, fmt, as_published=as_published, version=published)


def _guarded(make: Callable[[], flask.Response]) -> flask.Response:
    """Run a route body, turning the library's errors into a status and a plain message."""
    try:
        return make()
    except _Refusal as exc:
        return _text(exc.status, str(exc))
    except UnknownMeasure as exc:
        return _text(400, str(exc))
    except (UnknownIndicator, UnknownArea, NotAvailable, MapRequestError, NotPublished) as exc:
        return _text(404, str(exc))
    except ExportError as exc:
        log.exception("export failed")
        return _text(503, str(exc))


@blueprint.get("/export/chart/<code>.<any(png, svg):fmt>")
def export_chart(code: str, fmt: str) -> flask.Response:
    def make() -> flask.Response:
        state, period = _state()
        kind = flask.request.args.get("kind", "trend")
        if kind not in (*KINDS, "map"):
            raise _Refusal(400, f"Unknown chart kind {kind!r}: choose {', '.join(KINDS[:-1])} or {KINDS[-1]}.")
        url = current_settings().database_url
        download = _cached_chart(url, data.version(url), code, period, state.area, kind, fmt, *_as_published())
        return _file(download, flask.request)

    return _guarded(make)


MAP_PARAMS = ("measure", "period", "span", "view", "classes", "area")


def _map_reading() -> MapReading:
    """The map's query as the reader may have it (readers: the latest published quarter)."""
    asked = {k: flask.request.args.get(k) or None for k in MAP_PARAMS}
    return map_reading(asked, publishing_area(asked.get("area"), current_settings().home_area))


def _map_params() -> dict[str, str | None]:
    """The map's query, refused where the reader may not see its period (nothing published yet,
    or a quarter after the latest published report)."""
    reading = _map_reading()
    if reading.refusal:
        raise _Refusal(404, reading.refusal)
    return reading.params


@lru_cache(maxsize=32)
def _cached_map(url: str, version: tuple, home: str, params: tuple, fmt: str) -> Download:
    return map_download(url, home, dict(params), fmt)


@blueprint.get("/export/map.<any(png, svg, csv, xlsx):fmt>")
def export_map(fmt: str) -> flask.Response:
    """The ward map as /map shows it for the same query, as a print-quality image, or the
    wards' figures behind it."""

    def make() -> flask.Response:
        _current_only()
        settings = current_settings()
        url = settings.database_url
        download = _cached_map(url, data.version(url), settings.home_area, tuple(sorted(_map_params().items())), fmt)
        return _file(download, flask.request)

    return _guarded(make)


# The ward profile, London, demand and scorecard summary downloads: an image of one of the
# page's charts (png, svg) or the figures behind it (csv, xlsx), for the page's own query.
PAGE_FILES = "any(png, svg, csv, xlsx)"


@lru_cache(maxsize=64)
def _cached_page_file(url: str, version: tuple, home: str, page: str, args: tuple, fmt: str) -> Download:
    """Keyed by the data version, as ``_cached_chart``; ``args`` is the page's query as sorted
    (name, value) pairs."""
    a = dict(args)
    if page == "ward":
        code, kind = a.pop("code"), a.pop("kind", "trend")
        return ward_download(url, home, code, a, fmt, kind)
    if page == "london":
        kind = a.pop("kind", "tile")
        return london_download(url, home, a, fmt, kind)
    period = Quarter.parse(a["period"])
    frozen: dict[str, Any] = {
        "as_published": a.get("as") == "published",
        "version": int(a["version"]) if a.get("version") else None,
    }
    if page == "demand":
        return demand_download(current_engine(), period, a["area"], fmt, a.get("indicator"), **frozen)
    return summary_download(current_engine(), period, a["area"], fmt, **frozen)


def _kind(choices: tuple[str, ...], what: str) -> str:
    kind = flask.request.args.get("kind") or choices[0]
    if kind not in choices:
        raise _Refusal(400, f"Unknown {what} {kind!r}: choose {', '.join(choices[:-1])} or {choices[-1]}.")
    return kind


def _page_file(page: str, fmt: str, **args: str | None) -> flask.Response:
    settings = current_settings()
    url = settings.database_url
    if fmt in ("csv", "xlsx"):
        args.pop("kind", None)  # one file of figures serves every chart of the page
    key = tuple(sorted(args.items()))
    return _file(_cached_page_file(url, data.version(url), settings.home_area, page, key, fmt), flask.request)


@blueprint.get(f"/export/ward/<code>.<{PAGE_FILES}:fmt>")
def export_ward(code: str, fmt: str) -> flask.Response:
    """A chart from /ward/<code> (``kind``), or the ward's figures by quarter."""

    def make() -> flask.Response:
        _current_only()
        return _page_file("ward", fmt, code=code, kind=_kind(WARD_KINDS, "ward chart"), **_map_params())

    return _guarded(make)


@blueprint.get(f"/export/london.<{PAGE_FILES}:fmt>")
def export_london(fmt: str) -> flask.Response:
    """The tile map or the borough map from /london (``kind``), or the boroughs' figures."""

    def make() -> flask.Response:
        _current_only()
        return _page_file("london", fmt, kind=_kind(LONDON_KINDS, "London map"), **_map_params())

    return _guarded(make)


@blueprint.get(f"/export/demand.<{PAGE_FILES}:fmt>")
def export_demand(fmt: str) -> flask.Response:
    """All the /demand charts as one image, or one indicator's (``indicator``), or their figures."""

    def make() -> flask.Response:
        state, period = _state()
        indicator = flask.request.args.get("indicator") or None
        return _page_file("demand", fmt, period=period.key, area=state.area, indicator=indicator, **_frozen_args())

    return _guarded(make)


@blueprint.get(f"/export/summary.<{PAGE_FILES}:fmt>")
def export_summary(fmt: str) -> flask.Response:
    """The scorecard's summary chart, or its counts overall and by goal."""

    def make() -> flask.Response:
        state, period = _state()
        return _page_file("summary", fmt, period=period.key, area=state.area, **_frozen_args())

    return _guarded(make)


def _chart_table_csv(code: str, state: PageState, period: Quarter, table: str) -> Download:
    """One indicator-page chart's numbers (``table`` quarterly, year-to-date, comparator,
    monthly or spc) as the page's table shows them, as CSV."""
    from exports.tabular import table_csv_text as csv_text
    from views.indicator_tables import chart_tables
    from views.spc_chart import cached_spc_view

    url = current_settings().database_url
    as_published, version = _as_published()  # the frozen figures, as the as-published page shows them
    if as_published:
        detail = frozen_detail(url, code, period, state.area, version)
    else:
        detail = data.detail(url, code, period, state.area)
    if table == "funnel":
        return _funnel_csv(detail, published_suffix(as_published, version))
    found = chart_tables(detail, cached_spc_view(url, detail.indicator.code, detail.period, detail.area_code))
    if table not in found:
        raise _Refusal(404, f"{detail.indicator.code} has no {table!r} chart: choose {', '.join(found)}.")
    name = f"{detail.indicator.code}-{table}-{detail.area_code}-{detail.period.key}{published_suffix(as_published, version)}.csv"
    return Download(csv_text(found[table]).encode("utf-8"), name, "text/csv")


def _funnel_csv(detail: IndicatorDetail, suffix: str) -> Download:
    """The funnel plot's points (every partnership, its rate and where it sits against the
    limits) as the page's table shows them; the partnerships left out follow, counted."""
    from exports.tabular import table_csv_text as csv_text
    from views.funnel import cached_funnel_view, funnel_measure, funnel_table

    info = detail.indicator
    measure = funnel_measure(info.measure, info.unit)
    if isinstance(measure, str):
        raise _Refusal(404, f"{info.code} has no funnel plot: {measure}")
    view = cached_funnel_view(current_settings().database_url, measure, detail.period, detail.area_code)
    if view.unavailable:
        raise _Refusal(404, f"{info.code} has no funnel plot: {view.unavailable}.")
    headers, rows = funnel_table(view)
    rows = rows + [[note] + [""] * (len(headers) - 1) for note in view.notes]
    name = f"{info.code}-funnel-{detail.area_code}-{detail.period.key}{suffix}.csv"
    return Download(csv_text((headers, rows)).encode("utf-8"), name, "text/csv")


@blueprint.get("/export/data/<code>.<any(csv, xlsx):fmt>")
def export_data(code: str, fmt: str) -> flask.Response:
    def make() -> flask.Response:
        state, period = _state()
        table = flask.request.args.get("table")
        if table and fmt == "csv":
            return _file(_chart_table_csv(code, state, period, table), flask.request)
        as_published, version = _as_published()
        return _file(
            data_download(current_engine(), code, period, state.area, fmt, as_published=as_published, version=version),
            flask.request,
        )

    return _guarded(make)


@blueprint.get("/export/pack.<any(docx, pdf, html):fmt>")
def export_pack(fmt: str) -> flask.Response:
    """The whole committee pack (as ``cspdash export pack``); takes several seconds."""

    def make() -> flask.Response:
        state, period = _state()
        settings = current_settings()
        as_published, version = _as_published()
        if as_published:
            stored = published_pack(settings.database_url, period, state.area, fmt, version)
            return _file(Download(stored.content, stored.info.file_name, stored.info.media_type), flask.request)
        content = load_content(current_engine(), period, state.area, settings)
        body = render_pack(content, fmt)
        return _file(Download(body, f"{content.file_stem}.{fmt}", MEDIA_TYPES[fmt]), flask.request)

    return _guarded(make)


@blueprint.get("/embed/plotly-<version>.min.js")
def plotly_js(version: str) -> flask.Response:
    if version != plotly.__version__:
        return _text(404, f"This server has plotly {plotly.__version__}.")
    return flask.send_file(PLOTLY_JS, mimetype="text/javascript", max_age=30 * 24 * 3600)


EMBED_CSS = """
html { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #0b0c0c; background: #fff; }
body { margin: 0; padding: 12px 16px; }
h1 { font-size: 1.25rem; margin: 0 0 0.35rem; }
.draft-mark { display: inline-block; margin: 0 0 0.35rem; padding: 2px 8px; border: 2px solid #d4351c; color: #0b0c0c; font-weight: 700; }
p { margin: 0 0 0.5rem; max-width: 60em; }
.rag { display: inline-block; padding: 0.05em 0.45em; border: 1px solid #0b0c0c; font-weight: 700; margin-right: 0.35em; }
.rag--red { background: #d4351c; color: #fff; } .rag--amber { background: #f47738; color: #0b0c0c; }
.rag--green { background: #00703c; color: #fff; } .rag--no-data, .rag--not-rated { background: #fff; border-style: dashed; }
figure { margin: 0; } figcaption, .more { font-size: 0.875rem; color: #505a5f; }
a { color: #1d70b8; } a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; }
"""


def _text_of(exc: Exception) -> str:
    return escape(str(exc.args[0] if exc.args else exc), quote=False)  # text, not an attribute


def _data_line(period: Quarter | None = None) -> str:
    """The line "Data up to …; last updated …; contact …" (``views.data_line``) under every embed."""
    try:
        line = site_data_line(current_settings(), period)
    except Exception:  # the line never stops the embed
        log.warning("the data line could not be read", exc_info=True)
        return ""
    return f'<p class="more" id="embed-data-line">{escape(line)}</p>'


def _page(title: str, body: str, status: int = 200) -> flask.Response:
    body += _data_line() if status == 200 and "embed-data-line" not in body else ""
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{EMBED_CSS}</style></head><body><main>{body}</main></body></html>"
    )
    return flask.Response(html, status=status, mimetype="text/html")


def source_words(key: str) -> str:
    """``Metropolitan Police Service recorded crime``: where an embed's figures come from."""
    declared = SOURCES.get(key)
    if declared is None:
        return "partner returns"
    return f"{declared.chart_source} {declared.name.lower()}" if key == "crime" else declared.chart_source


def data_note(source: str, last_month: str | None) -> str:
    """The line every embed ends with: its source and how recent its data are."""
    when = f"; data up to {month_label(last_month)}" if last_month else ""
    return f'<p class="more" id="embed-source">Source: {escape(source_words(source))}{escape(when)}.</p>'


@blueprint.get("/embed/indicator/<code>")
def embed_indicator(code: str) -> flask.Response:
    try:
        state, quarter = _state()
        detail = data.detail(current_settings().database_url, code, quarter, state.area)
    except _Refusal as exc:
        return _page("Indicator", f"<h1>We can't show this indicator</h1><p>{_text_of(exc)}</p>", exc.status)
    except UnknownIndicator as exc:
        return _page("Indicator not found", f"<h1>Indicator not found</h1><p>{_text_of(exc)}</p>", 404)
    row, info, period = detail.current, detail.indicator, detail.period
    chart = trend_chart(detail, finding_in_title=False)  # the finding is in the line above the chart
    figure = chart.figure
    figure["layout"].pop("width", None)  # fill the iframe's width
    figure["layout"]["hovermode"] = "closest"  # on screen, hovering shows each value
    plot = pio.to_html(
        figure, full_html=False, include_plotlyjs=PLOTLY_URL, validate=False, default_width="100%",
        default_height=f"{chart.height}px", config={"displayModeBar": False, "responsive": True, "scrollZoom": False},
    )  # fmt: skip
    plot = with_nonce(plot)  # the chart's own script may run; the page's CSP allows no other
    rating = f'<span class="rag rag--{row.rag.value.lower().replace(" ", "-")}"><span aria-hidden="true">{RAG_SHAPE[row.rag]}</span> {escape(row.rag.value)}</span>'
    more = here(f"/indicator/{info.code}{state.query()}")
    draft = publication(current_settings().database_url, period, state.area).draft  # shown only where readers may see drafts
    mark = f'<p class="draft-mark" id="embed-draft" role="note">{DRAFT_BANNER}</p>' if draft else ""
    body = (
        f"{mark}<h1>{escape(info.name)}: {escape(detail.area_name)}, {escape(period.label)}</h1>"
        f'<p class="summary" id="embed-summary">{rating}{escape(target_finding(row, period))}.</p>'
        f'<figure id="embed-chart" aria-label="{escape(chart.alt)}">{plot}<figcaption>Solid blue line with circles: the figure '
        "each quarter. Dashed line: the target. Shaded band: the tolerance, where the indicator is still rated Green."
        "</figcaption></figure>"
        f"{data_note(info.source, period.months()[-1] if row.actual is not None else None)}"
        f'<p class="more"><a href="{escape(more)}" target="_top">Full figures and commentary</a></p>{_data_line(period)}'
    )
    return _page(f"{info.name} – {detail.area_name}, {period.label}", body)


@blueprint.get("/embed/map")
def embed_map() -> flask.Response:
    """The ward map for an ``<iframe>``: a heading, the finding in one line, the map (its
    key under the title) and a link to the full page; no navigation."""
    settings = current_settings()
    reading = _map_reading()
    if reading.refusal:
        return _page("Ward map", f"<h1>We can't show this map</h1><p>{escape(reading.refusal)}</p>", 404)
    params = reading.params
    try:
        chart = ward_map_chart(settings.database_url, settings.home_area, params)
    except MapRequestError as exc:
        return _page(
            "Ward map", f"<h1>We can't show this map</h1><p>{_text_of(exc)}</p>", 400 if isinstance(exc, UnknownMeasure) else 404
        )
    state = ward_map_state(settings.database_url, settings.home_area, params)
    span = state.period
    last_month = span.key if span.span == "month" else Quarter.parse(span.key).months()[-1]
    figure = chart.figure
    layout = figure["layout"]
    subtitle = layout["title"]["subtitle"]["text"]
    finding = layout["title"]["text"]
    layout["title"] = {"text": ""}  # heading and finding are in the page's text above the map
    layout["legend"].update(y=1, yref="container")
    layout["margin"]["t"] -= 56  # no title or subtitle drawn above the key
    layout["height"] = chart.height - 56
    layout.pop("width", None)  # fill the iframe's width
    layout["hovermode"] = "closest"  # on screen, hovering shows each ward's figures
    plot = pio.to_html(
        figure, full_html=False, include_plotlyjs=PLOTLY_URL, validate=False, default_width="100%",
        default_height=f"{layout['height']}px", config={"displayModeBar": False, "responsive": True, "scrollZoom": False},
    )  # fmt: skip
    plot = with_nonce(plot)  # the chart's own script may run; the page's CSP allows no other
    query = "?" + urlencode({k: v for k, v in params.items() if v})
    mark = f'<p class="draft-mark" id="embed-draft" role="note">{DRAFT_BANNER}</p>' if reading.draft(span.quarter) else ""
    body = (
        f"{mark}<h1>Ward map: {escape(chart.caption)}</h1>"
        f'<p class="summary" id="embed-summary">{escape(finding)}.</p>'
        f'<figure id="embed-chart" aria-label="{escape(chart.alt)}">{plot}<figcaption>{escape(subtitle)}. '
        f"{'Blue: fewer than a year earlier; orange: more' if params.get('view') == 'change' else 'Darker blue: higher figures'}; "
        "grey: no figure.</figcaption></figure>"
        f"{data_note(state.measure.source, last_month)}"
        f'<p class="more"><a href="{escape(here("/map" + query))}" target="_top">The full map, with the figures for each ward</a></p>'
    )
    return _page(f"Ward map – {chart.caption}", body)
