"""The upload check at London scale (issue 19, part 5): months incomplete in the source,
drops to confirm, and the file by borough, with every area behind a disclosure and in a CSV.

A Met ward file names about 680 wards: listed in full they made a wall of text thousands of
pixels tall above the Confirm button. The summary comes first; the list is there for those
who want it.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from dash import html
from dash.development.base_component import Component

from loaders.summary import LoadSummary
from web.parts import components as ui

AREA_COLUMNS = ["borough_code", "borough", "area_code", "area_name", "new", "first_month", "last_month", "months", "total"]
AREA_HEADERS = ["Area", "Code", "Borough", "New", "First month", "Last month", "Months", "Total"]


def incomplete_months(summary: LoadSummary) -> list[Component]:
    """Each month incomplete in the source, in the sentence the CLI prints."""
    if not summary.incomplete:
        return []
    return [
        html.Section(
            [html.H3("Months incomplete in the source file"), html.Ul([html.Li(s) for s in summary.incomplete])],
            id="upload-incomplete",
        )
    ]


def drops(summary: LoadSummary, loaded: bool = False) -> list[Component]:
    """The months in which held figures would fall (or, once ``loaded``, fell) by more than
    half: the page asks for a confirmation before loading them."""
    if not summary.drops:
        return []
    if loaded:
        heading, advice = (
            "Figures that fell by more than half, as confirmed",
            "The file's figures replaced those held for these months.",
        )
    else:
        heading = "Figures that would fall by more than half"
        advice = (
            "Loading replaces the figures held for these months. If the file is right, tick the confirmation below "
            "the check; otherwise choose another file."
        )
    return [
        html.Section(
            [
                html.H3(heading),
                html.Ul([html.Li(s.replace("would fall", "fell") if loaded else s) for s in summary.drops]),
                html.P(advice),
            ],
            id="upload-drops",
            className="flag",
        )
    ]


def borough_summary(summary: LoadSummary) -> list[Component]:
    """One row per borough, then every area behind a disclosure and as a CSV download."""
    if not summary.boroughs:
        return []
    rows = [
        [
            b["name"],
            f"{b['wards']:,}" if b["wards"] else "–",
            b["months"],
            html.Ul([html.Li(y) for y in b["years"]], className="plain-list") if b["years"] else "none",
            html.Ul([html.Li(u) for u in b["unusual"]], className="plain-list") if b["unusual"] else "nothing unusual",
        ]
        for b in summary.boroughs
    ]
    table = ui.table(
        f"{summary.file_name} by borough", ["Borough", "Wards", "Months", "Total per financial year", "Anything unusual"], rows,
        numeric=[1], table_id="upload-borough-summary",
    )  # fmt: skip
    parts: list[Component] = [html.H3("By borough"), ui.scroll_region(f"{summary.file_name} by borough", table)]
    if summary.area_rows:
        area_table = ui.table(
            f"Every area in {summary.file_name}",
            AREA_HEADERS,
            [
                [
                    r["area_name"],
                    r["area_code"],
                    r["borough"],
                    r["new"],
                    r["first_month"],
                    r["last_month"],
                    f"{r['months']:,}",
                    f"{r['total']:,}",
                ]
                for r in summary.area_rows
            ],
            numeric=[6, 7],
            table_id="upload-area-list",
        )
        parts.append(
            html.Details(
                [
                    html.Summary(f"Every area in the file ({len(summary.area_rows):,})"),
                    ui.scroll_region(f"Every area in {summary.file_name}", area_table),
                ],
                id="upload-area-details",
                className="numbers",
            )
        )
        parts.append(
            html.P(
                html.A(
                    "Download the list of areas (CSV)",
                    href="data:text/csv;charset=utf-8," + quote(area_csv(summary)),
                    download=f"{summary.file_name.rsplit('.', 1)[0]}-areas.csv",
                    className="button button--secondary",
                    id="upload-area-csv",
                )
            )
        )
    return [html.Section(parts, id="upload-by-borough")]


def area_csv(summary: LoadSummary) -> str:
    """Every area the file names: borough, code, name, new or not, months and total."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=AREA_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(summary.area_rows)
    return buffer.getvalue()


def areas_added_text(summary: LoadSummary, shown: int = 10) -> str:
    """``(3 new: E05…, …)``, or only how many when there are more than ``shown``: the full
    list is in the area table."""
    if not summary.areas_added:
        return ""
    if len(summary.areas_added) <= shown:
        return f" ({len(summary.areas_added)} new: {', '.join(summary.areas_added)})"
    return (
        f" ({len(summary.areas_added):,} new: listed under Every area in the file)"
        if summary.area_rows
        else f" ({len(summary.areas_added):,} new)"
    )
