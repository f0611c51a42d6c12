"""Building blocks every page shares: RAG badge, direction arrow, notices, controls,
semantic tables and accessible chart figures.

Colour is never the only signal: a rating is a shape plus a word, a direction is an arrow
plus a word, and every chart has a text caption and a table of its numbers.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from dash import dcc, html
from dash.development.base_component import Component

from rules.direction import Direction
from rules.periods import Quarter
from rules.rating import Rating
from store.db import DatabaseUnavailable
from views.data import PageState
from views.marks import ARROW, DIRECTION_MEANING, RAG_MEANING, RAG_SHAPE, RATING_COMPARISON
from views.wording import QUARTER_MONTHS, direction_word
from web.addresses import here

log = logging.getLogger(__name__)


def attrs(values: dict[str, Any]) -> dict[str, Any]:
    """HTML attributes to spread into a Dash component (``**attrs({"aria-label": ...})``), for
    names that are not Python names (aria-*, data-*). Typed ``dict[str, Any]``: a ``dict[str, str]``
    spread into a component is checked against each of its typed keywords (``n_clicks``, ``hidden``…)."""
    return values


def slug(text: str) -> str:
    return text.lower().replace(" ", "-").replace("/", "")


def rag_badge(rating: Rating, title: str | None = None) -> html.Span:
    extra: dict[str, Any] = {"title": title} if title else {}
    return html.Span(
        [html.Span(RAG_SHAPE[rating], className="rag__shape", **attrs({"aria-hidden": "true"})), rating.value],
        className=f"rag rag--{slug(rating.value)}",
        **extra,
    )


def direction_badge(direction: Direction, title: str, words: str | None = None) -> html.Span:
    return html.Span(
        [
            html.Span(ARROW[direction], className="dot__arrow", **attrs({"aria-hidden": "true"})),
            words or direction_word(direction),
        ],
        className=f"dot dot--{slug(direction.value)}",
        title=title,
    )


def notice(heading: str, body: str | Component | list, kind: str = "error") -> html.Div:
    """A boxed message. Errors are announced (role=alert); warnings and information are not."""
    role: dict[str, Any] = {"role": "alert"} if kind == "error" else {}
    return html.Div([html.H2(heading, className="notice__heading"), html.Div(body)], className=f"notice notice--{kind}", **role)


def first_of_each(query: dict[str, Any]) -> dict[str, Any]:
    """A page's query parameters with one value each: Dash Pages passes a list for a parameter
    named twice (``?period=…&period=…``), and a page reads the first, as the menu links,
    downloads, embeds and the API (Flask's ``args.get``) read the same address."""
    return {key: value[0] if isinstance(value, list) else value for key, value in query.items()}


def safe_layout(build: Callable[..., Component]) -> Callable[..., Component]:
    """A page's ``layout``: each query parameter given once (``first_of_each``), and an
    unexpected error becomes ``failure``'s message for the reader (logged in full) instead of
    a blank page or a stack trace."""

    @functools.wraps(build)
    def layout(*args: Any, **kwargs: Any) -> Component:
        try:
            return build(*args, **first_of_each(kwargs))
        except Exception as exc:  # the reader gets a message, the log gets the trace
            return failure(exc)

    return layout


def failure(exc: BaseException) -> html.Div:
    """The message for an unexpected error: logged in full, shown without a stack trace."""
    log.exception("dashboard page failed", exc_info=exc)
    if isinstance(exc, DatabaseUnavailable):  # the database timed out or is down: say so
        from web.serving.unavailable import MESSAGE

        return notice("Sorry, this page could not be shown", MESSAGE)
    return notice(
        "Sorry, this page could not be shown",
        "Something went wrong while reading the figures. The error has been logged; "
        "try again, or choose a different quarter or area.",
    )


def select(
    prefix: str,
    name: str,
    label: str,
    options: Sequence[tuple[str, str]],
    value: str | None,
    disabled: Sequence[str] = (),
    titles: dict[str, str] | None = None,
) -> html.Div:
    """A labelled native <select>; ``disabled`` options stay listed but cannot be picked, and
    ``titles`` gives an option a tooltip explaining it."""
    control_id = f"{prefix}-{name}"
    return html.Div(
        [
            html.Label(label, htmlFor=control_id, className="field__label"),
            html.Select(
                [
                    html.Option(
                        text,
                        value=v,
                        selected=v == value,
                        disabled=v in disabled,
                        **attrs({"title": titles[v]} if titles and v in titles else {}),
                    )
                    for v, text in options
                ],
                id=control_id,
                name=name,
                className=f"field__select field__select--{name}",
            ),
        ],
        className="field",
    )


def period_controls(prefix: str, state: PageState, keep: dict[str, str] | None = None) -> html.Form:
    """Financial year, quarter and area, as native <select>s inside a form.

    Native selects are the most robust controls for keyboards and screen readers (Dash 4's
    Dropdown and RadioItems fail axe: hidden focus targets, radios inside listbox options).
    ``assets/cspdash.js`` turns a change or a submit into a new ``?period=…&area=…`` on the
    page's ``dcc.Location`` (``data-location``); Dash Pages then re-renders the page from the
    URL, so Back and Forward restore earlier choices. ``keep``: other query parameters the
    new URL keeps (``as=published`` and its version), in the form's ``data-keep``.
    """
    period = state.period
    years = [(y.key, y.label) for y in state.years]
    quarters = [(f"Q{q}", f"Q{q} ({QUARTER_MONTHS[q]})") for q in (1, 2, 3, 4)]
    areas = [(a.code, a.label) for a in state.areas] or [(state.area, state.area_name)]
    return html.Form(
        [
            select(prefix, "year", "Financial year", years, period.financial_year.key if period else None),
            select(prefix, "quarter", "Quarter", quarters, f"Q{period.q}" if period else None),
            select(prefix, "area", "Area", areas, state.area),
            html.Button("Show figures", type="submit", className="button button--secondary", id=f"{prefix}-apply"),
            dcc.Location(id=f"{prefix}-location", refresh="callback-nav"),
        ],
        className="controls no-print",
        id=f"{prefix}-controls",
        method="get",
        role="search",
        **attrs(
            {
                "aria-label": "Choose the period and area",
                "data-location": f"{prefix}-location",
                **({"data-keep": urlencode(keep)} if keep else {}),
            }
        ),
    )


def controls_period(year: str | None, quarter: str | None) -> Quarter | None:
    """The quarter picked in the controls, or None if either half is missing."""
    if not year or not quarter:
        return None
    return Quarter.parse(f"{year}-{quarter}")


def table(
    caption: str,
    headers: Sequence[str | Component],
    rows: Sequence[Sequence[str | Component]],
    numeric: Sequence[int] = (),
    table_id: str | None = None,
    caption_hidden: bool = False,
) -> html.Table:
    """A semantic table: caption, column headers (scope=col), first cell a row header."""
    num = set(numeric)
    head = html.Thead(html.Tr([html.Th(h, scope="col", className="num" if i in num else None) for i, h in enumerate(headers)]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(c, scope="row") if i == 0 else html.Td(c, className="num" if i in num else None)
                    for i, c in enumerate(row)
                ]
            )
            for row in rows
        ]
    )
    extra: dict[str, Any] = {"id": table_id} if table_id else {}
    return html.Table(
        [html.Caption(caption, className="visually-hidden" if caption_hidden else None), head, body],
        className="table",
        **extra,
    )


def scroll_region(label: str, content: Component, region_id: str | None = None) -> html.Div:
    """A horizontally scrolling box that keyboard users can focus and scroll (WCAG 2.1.1)."""
    extra: dict[str, Any] = {"id": region_id} if region_id else {}
    return html.Div(content, className="table-scroll", role="region", tabIndex=0, **attrs({"aria-label": label}), **extra)


def numbers(summary: str, content: Component) -> html.Details:
    """The numbers behind a chart, folded away under a plain summary."""
    return html.Details([html.Summary(summary), content], className="numbers")


def chart(graph_id: str, figure: dict, caption: str, height: int | None = None) -> html.Figure:
    """A Plotly chart with its text description. The toolbar is hidden: it has unlabelled
    buttons and tempts people to screenshot a zoomed, misleading view."""
    # A responsive graph fills its parent's height, so give it the figure's own height.
    layout = figure.get("layout", {}) if isinstance(figure, dict) else {}
    height = height or layout.get("height") or 400
    return html.Figure(
        [
            dcc.Graph(
                id=graph_id,
                figure=figure,
                config={"displayModeBar": False, "responsive": True, "scrollZoom": False},
                style={"height": f"{height}px"},
                className="chart__graph",
            ),
            html.Figcaption(caption, className="chart__caption"),
        ],
        className="chart",
    )


def image_chart(image_id: str, src: str, alt: str, caption: str) -> html.Figure:
    """A small static chart drawn on the server (an SVG image), with its text description."""
    return html.Figure(
        [html.Img(id=image_id, src=src, alt=alt, className="chart__image"), html.Figcaption(caption, className="chart__caption")],
        className="chart",
    )


IMAGE_LINKS = (("png", "Download PNG"), ("svg", "Download SVG"))
DATA_LINKS = (("csv", "Download data (CSV)"), ("xlsx", "Download data (XLSX)"))


def download_links(
    what: str, images: str | None, data: str | None = None, block_id: str | None = None, one_image: bool = False
) -> html.Div:
    """ "Download PNG", "Download SVG" and "Download data (CSV)", "(XLSX)" for one chart, as
    served by ``web/embed.py``. ``images`` and ``data`` are addresses with ``{fmt}``
    where the file type goes. The visible words stay short; hidden words name the chart
    (``what``), so each link makes sense on its own in a screen reader's list of links.
    ``one_image``: several charts drawn as one image (said of the image links only)."""
    pictured = f"{what}, as one image" if one_image else what
    links = [
        html.A(
            [label, html.Span(f" {joiner}", className="visually-hidden")],
            href=here(href.replace("{fmt}", fmt)),
            download="",
            className="button button--secondary",
        )
        for href, joiner, choices in ((images, f"of {pictured}", IMAGE_LINKS), (data, f"behind {what}", DATA_LINKS))
        if href
        for fmt, label in choices
    ]
    return html.Div(links, className="download-links no-print", **attrs({"id": block_id} if block_id else {}))


def symbol_key() -> html.Section:
    """The key to the rating shapes and direction arrows."""
    ratings = [Rating.RED, Rating.AMBER, Rating.GREEN, Rating.NO_DATA, Rating.NOT_RATED]
    directions = [Direction.BETTER, Direction.WORSE, Direction.SAME, Direction.NA, Direction.UP, Direction.DOWN]
    return html.Section(
        [
            html.H2("Key to the symbols", id="key-heading"),
            html.Div(
                [
                    html.Dl(
                        [item for r in ratings for item in (html.Dt(rag_badge(r)), html.Dd(RAG_MEANING[r]))],
                        className="key__list",
                    ),
                    html.Dl(
                        [
                            item
                            for d in directions
                            for item in (html.Dt(direction_badge(d, DIRECTION_MEANING[d])), html.Dd(DIRECTION_MEANING[d]))
                        ],
                        className="key__list",
                    ),
                ],
                className="key",
            ),
            html.P(
                "Arrows show performance, not whether the number went up: for crime, where lower is "
                "better, a fall is shown as ↑ Better. Short term compares the quarter with the previous "
                "quarter; long term compares with the same period a year earlier.",
                className="key__note",
            ),
            html.P(RATING_COMPARISON, className="key__note", id="key-rating-comparison"),
        ],
        className="key-section",
        **attrs({"aria-labelledby": "key-heading"}),
    )
