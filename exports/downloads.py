"""One chart image or one indicator's figures as a file: what ``cspdash export chart|data``
writes and what the dashboard's download links serve, built the same way for both."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from exports import ExportError
from exports.figures import indicator_chart
from exports.images import PRINT_SCALE, PRINT_WIDTH, figure_to_image
from exports.indicator_data import indicator_frame
from exports.tabular import safe_csv, safe_xlsx
from rag.periods import Quarter
from store.db import session_scope
from store.queries import area_name, indicator_detail, quarters_available

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
        raise ExportError("No figures have been loaded yet: load data first (or run `cspdash demo`).")
    if period not in held:
        raise ExportError(f"No figures are held for {period.label}. Figures are held from {held[0].label} to {held[-1].label}.")


def chart_download(
    engine: Engine, code: str, period: Quarter, area: str, kind: str = "trend", fmt: str = "png",
    width: int = PRINT_WIDTH, height: int | None = None, scale: float = PRINT_SCALE,
) -> Download:  # fmt: skip
    if fmt not in IMAGE_TYPES:
        raise ExportError(f"Charts can be exported as {' or '.join(IMAGE_TYPES)}, not {fmt!r}.")
    with session_scope(engine) as session:
        check_period(session, period, area)
        chart = indicator_chart(session, code, period, area, kind, width, height)
    image = figure_to_image(chart.figure, fmt, chart.width, chart.height, scale)  # type: ignore[arg-type]
    code = chart.name.split("-")[0]  # the stored spelling, whatever case the URL used
    return Download(image, f"{code}-{kind}-{area}-{period.key}.{fmt}", IMAGE_TYPES[fmt])


def data_download(engine: Engine, code: str, period: Quarter, area: str, fmt: str = "csv") -> Download:
    if fmt not in DATA_TYPES:
        raise ExportError(f"Figures can be downloaded as {' or '.join(DATA_TYPES)}, not {fmt!r}.")
    with session_scope(engine) as session:
        check_period(session, period, area)
        detail = indicator_detail(session, code, period, area)
    frame = indicator_frame(detail)
    content = safe_csv(frame) if fmt == "csv" else safe_xlsx(frame, sheet=detail.indicator.code)
    return Download(content, f"{detail.indicator.code}-{area}-{period.key}.{fmt}", DATA_TYPES[fmt])


def map_download(
    url: str, home: str, params: dict[str, str | None], fmt: str = "png",
    width: int = PRINT_WIDTH, height: int | None = None, scale: float = PRINT_SCALE,
) -> Download:  # fmt: skip
    """The ward map (as /map shows it for ``params``) as an image. Raises MapRequestError."""
    from exports.figures import ward_map_chart

    if fmt not in IMAGE_TYPES:
        raise ExportError(f"Maps can be exported as {' or '.join(IMAGE_TYPES)}, not {fmt!r}.")
    chart = ward_map_chart(url, home, params, width, height)
    image = figure_to_image(chart.figure, fmt, chart.width, chart.height, scale)  # type: ignore[arg-type]
    return Download(image, f"{chart.name}.{fmt}", IMAGE_TYPES[fmt])
