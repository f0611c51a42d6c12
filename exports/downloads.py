"""One chart image or one chart's figures as a file: what ``cspdash export chart|data|map|
ward|london|demand|summary`` writes and what the dashboard's download links serve, built
the same way for both."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from exports import ExportError, NotAvailable, NothingLoaded
from exports.file_names import file_stem
from exports.images import PRINT_SCALE, PRINT_WIDTH, figure_to_image
from exports.tabular import safe_csv, safe_xlsx
from rules.periods import Quarter
from store.db import Engine, Session, reading
from store.measures import Measure
from store.publishing import published_demand, published_scorecard
from store.queries import area_name, demand_panels, indicator_detail, months_loaded, quarters_available
from store.scorecard import Scorecard, build_scorecard, indicators
from views.figures import Chart, demand_chart, indicator_chart, published_detail
from views.indicator_data import indicator_frame
from views.london_maps import london_view
from views.page_data import areas_frame, demand_frame, london_frame, summary_frame, ward_frame
from views.page_figures import demand_panel_chart, london_chart, summary_chart, ward_chart
from views.ward_charts import ward_view
from views.wording import not_held_text

IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
DATA_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str
    media_type: str


def check_period(session: Session, period: Quarter, area: str) -> None:
    """Raise UnknownArea, or ExportError naming the quarters held, before any work is done."""
    area_name(session, area)
    held = quarters_available(session)
    if not held:
        raise NothingLoaded("No figures have been loaded yet: load data first.")
    if period not in held:
        raise ExportError(not_held_text(period, held, months_loaded(session, period)))


def chart_download(
    engine: Engine, code: str, period: Quarter, area: str, kind: str = "trend", fmt: str = "png",
    width: int = PRINT_WIDTH, height: int | None = None, scale: float = PRINT_SCALE,
    *, as_published: bool = False, version: int | None = None,
) -> Download:  # fmt: skip
    """``as_published``: from the figures frozen when the quarter was published (``version``, default the latest)."""
    if fmt not in IMAGE_TYPES:
        raise ExportError(f"Charts can be exported as {' or '.join(IMAGE_TYPES)}, not {fmt!r}.")
    with reading(engine) as session:
        check_period(session, period, area)
        chart = indicator_chart(session, code, period, area, kind, width, height, as_published=as_published, version=version)
    image = figure_to_image(chart.figure, fmt, chart.width, chart.height, scale)  # type: ignore[arg-type]
    code = chart.name.split("-")[0]  # the stored spelling, whatever case the URL used
    return Download(image, f"{code}-{kind}-{area}-{period.key}{published_suffix(as_published, version)}.{fmt}", IMAGE_TYPES[fmt])


def published_suffix(as_published: bool, version: int | None) -> str:
    return ("-as-published" + (f"-v{version}" if version else "")) if as_published else ""


def data_download(
    engine: Engine,
    code: str,
    period: Quarter,
    area: str,
    fmt: str = "csv",
    *,
    as_published: bool = False,
    version: int | None = None,
) -> Download:
    if fmt not in DATA_TYPES:
        raise ExportError(f"Figures can be downloaded as {' or '.join(DATA_TYPES)}, not {fmt!r}.")
    with reading(engine) as session:
        check_period(session, period, area)
        detail = (
            published_detail(session, code, period, area, version)
            if as_published
            else indicator_detail(session, code, period, area)
        )
    frame = indicator_frame(detail)
    content = safe_csv(frame) if fmt == "csv" else safe_xlsx(frame, sheet=detail.indicator.code)
    return Download(
        content, f"{detail.indicator.code}-{area}-{period.key}{published_suffix(as_published, version)}.{fmt}", DATA_TYPES[fmt]
    )


def map_download(
    url: str, home: str, params: dict[str, str | None], fmt: str = "png",
    width: int = PRINT_WIDTH, height: int | None = None, scale: float = PRINT_SCALE,
) -> Download:  # fmt: skip
    """The ward map (as /map shows it for ``params``) as an image, or its wards' figures,
    classes and ranks (the page's table) as CSV or XLSX. Raises MapRequestError."""
    from views.figures import ward_map_chart, ward_map_state
    from views.map_state import split_figures, ward_figures

    if fmt in DATA_TYPES:
        state = ward_map_state(url, home, params)
        shown, missing, values, classes = split_figures(ward_figures(url, state), state)
        stem = file_stem("map", state.measure.key, state.period.key, state.view)
        return _table(areas_frame(shown + missing, values, classes, state, "ward"), stem, fmt, "Wards")
    if fmt not in IMAGE_TYPES:
        raise ExportError(f"Maps can be exported as {' or '.join([*IMAGE_TYPES, *DATA_TYPES])}, not {fmt!r}.")
    chart = ward_map_chart(url, home, params, width, height)
    image = figure_to_image(chart.figure, fmt, chart.width, chart.height, scale)  # type: ignore[arg-type]
    return Download(image, f"{chart.name}.{fmt}", IMAGE_TYPES[fmt])


# --- The ward profile, London comparison, demand and scorecard summary pages --------------------
# Each takes an image format (png, svg: one of the page's charts) or a data format (csv, xlsx:
# the figures behind the page's charts) and raises ExportError (NotAvailable) or, for the map
# pages, MapRequestError with a message for people.

PAGE_FORMATS = (*IMAGE_TYPES, *DATA_TYPES)


def _check_format(fmt: str) -> None:
    if fmt not in PAGE_FORMATS:
        raise ExportError(f"Choose png or svg for the chart, or csv or xlsx for its figures, not {fmt!r}.")


def _image(chart: Chart, fmt: str, scale: float, stem: str | None = None) -> Download:
    image = figure_to_image(chart.figure, fmt, chart.width, chart.height, scale)  # type: ignore[arg-type]
    return Download(image, f"{stem or chart.name}.{fmt}", IMAGE_TYPES[fmt])


def _table(frame: pd.DataFrame, stem: str, fmt: str, sheet: str) -> Download:
    content = safe_csv(frame) if fmt == "csv" else safe_xlsx(frame, sheet=sheet)
    return Download(content, f"{stem}.{fmt}", DATA_TYPES[fmt])


def ward_download(
    url: str, home: str, code: str, params: dict[str, str | None], fmt: str = "png", kind: str = "trend",
    width: int = PRINT_WIDTH, height: int | None = None, scale: float = PRINT_SCALE,
) -> Download:  # fmt: skip
    """A /ward/<code> chart (``kind`` trend, categories or locator) or the ward's figures by
    quarter, for the page's query (``measure``, ``period``, ``span``, ``view``)."""
    _check_format(fmt)
    if fmt in IMAGE_TYPES:
        return _image(ward_chart(url, home, code, params, kind, width, height), fmt, scale)
    view = ward_view(url, home, code, params)
    return _table(ward_frame(view), f"ward-{view.code}-by-quarter", fmt, view.name)


def london_download(
    url: str, home: str, params: dict[str, str | None], fmt: str = "png", kind: str = "tile",
    width: int = PRINT_WIDTH, height: int | None = None, scale: float = PRINT_SCALE,
) -> Download:  # fmt: skip
    """The /london page's tile or borough map (``kind``), or the boroughs' figures."""
    _check_format(fmt)
    if fmt in IMAGE_TYPES:
        return _image(london_chart(url, home, params, kind, width, height), fmt, scale)
    view = london_view(url, home, params)
    state = view.state
    stem = file_stem("london", state.measure.key, state.period.key, state.view)
    return _table(london_frame(view, home), stem, fmt, "London boroughs")


def demand_download(
    engine: Engine, period: Quarter, area: str, fmt: str = "png", indicator: str | None = None,
    width: int = PRINT_WIDTH, height: int | None = None, scale: float = PRINT_SCALE,
    *, as_published: bool = False, version: int | None = None,
) -> Download:  # fmt: skip
    """The /demand page: every chart as one image, or one indicator's (``indicator``); or
    every indicator's figures by quarter."""
    _check_format(fmt)
    with reading(engine) as session:
        check_period(session, period, area)
        name = area_name(session, area)
        if as_published:
            frozen = published_demand(session, period, area, version)
            if frozen is None:
                raise NotAvailable(
                    f"{period.label} has not been published for {area}" + (f" as version {version}." if version else ".")
                )
            panels = frozen
        else:
            panels = demand_panels(session, period, area)
    if not panels:
        raise NotAvailable("No indicators are marked as not rated, so there are no demand pressures to export.")
    if fmt in DATA_TYPES:
        return _table(demand_frame(panels, area, name), f"demand-{area}-{period.key}", fmt, "Demand pressures")
    if indicator:
        panel = next((p for p in panels if p.indicator.code.lower() == indicator.lower()), None)
        if panel is None:
            raise NotAvailable(
                f"{indicator} is not one of the demand indicators: choose {', '.join(p.indicator.code for p in panels)}."
            )
        chart = demand_panel_chart(panel, name, width, height)
        return _image(chart, fmt, scale, f"demand-{panel.indicator.code}-{area}-{period.key}")
    whole = demand_chart(panels, name, period, width=width)
    if whole is None:
        raise NotAvailable(f"No demand figures are held for {name}.")
    return _image(whole, fmt, scale, f"demand-{area}-{period.key}")


def summary_download(
    engine: Engine, period: Quarter, area: str, fmt: str = "png",
    width: int = PRINT_WIDTH, height: int | None = None, scale: float = PRINT_SCALE,
    *, as_published: bool = False, version: int | None = None,
) -> Download:  # fmt: skip
    """The scorecard's summary chart (how many rated indicators are Red, Amber, Green), or
    its counts overall and by goal (``as_published``: as frozen when the quarter was published)."""
    _check_format(fmt)
    with reading(engine) as session:
        check_period(session, period, area)
        if as_published:
            frozen = published_scorecard(session, period, area, version)
            if frozen is None:
                raise NotAvailable(
                    f"{period.label} has not been published for {area}" + (f" as version {version}." if version else ".")
                )
            card: Scorecard = frozen.card  # a FrozenScorecard is a Scorecard
        else:
            card = build_scorecard(session, period, area)
        sources = [Measure.parse(i.measure).source for i in indicators(session) if i.rated]
    if not any(r.rated for r in card.rows):
        raise NotAvailable("No rated indicators are defined yet: load indicator definitions first.")
    if fmt in DATA_TYPES:
        return _table(summary_frame(card), f"summary-{area}-{period.key}", fmt, "Summary")
    return _image(summary_chart(card, sources, width, height), fmt, scale)
