"""The committee pack as one self-contained HTML file, which is also what the PDF prints.

Self-contained: the CSS is inline and the charts are SVG inside ``data:`` URIs (vector, so
they print sharply, and each an ``<img>`` with alt text), so the file can be emailed or put
on a committee site with nothing fetched from anywhere. Tables are semantic (caption,
``<th scope>``). For print, ``@page`` gives A4 portrait pages, with the Appendix 1 table on
a named landscape page, and page numbers in the margin.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Iterable, Mapping, Sequence
from html import escape

from exports.pack_content import ANNEX_INTRO, DRAFT_MARK, IndicatorSection, Mark, PackContent, TableRow, title_rows
from views.figures import Chart
from views.marks import sources_note

DRAFT_CSS = """
@page { @top-center { content: var(--draft); font: bold 12pt Arial, sans-serif; color: #d4351c; } }
.draft-mark { border: 3px solid #d4351c; color: #d4351c; font-weight: bold; font-size: 13pt; padding: 0.3em 0.6em; margin: 0 0 1em; }
@media print { .draft-mark { display: none; } }
"""
CSS = """
@page { size: A4 portrait; margin: 18mm 18mm 20mm;
  @bottom-left { content: var(--footer, ""); }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt Arial, sans-serif; color: #505a5f; } }
@page landscape { size: A4 landscape; margin: 14mm 15mm 16mm; }
:root { --ink: #0b0c0c; --secondary: #505a5f; --border: #b1b4b6; --light: #f3f2f1;
  --red: #d4351c; --amber: #f47738; --green: #00703c; --worse: #aa2a16; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: Arial, "Liberation Sans", "Helvetica Neue", Helvetica, sans-serif; font-size: 11pt;
  font-variant-ligatures: none;
  line-height: 1.4; color: var(--ink); max-width: 62rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 22pt; margin: 0.2em 0 0.6em; line-height: 1.15; }
h2 { font-size: 16pt; margin: 1.4em 0 0.5em; }
h3 { font-size: 13pt; margin: 1.2em 0 0.4em; }
h4 { font-size: 11pt; margin: 1em 0 0.3em; }
.verdict { font-weight: 700; }
.questions { font-size: 9.5pt; }
p { margin: 0 0 0.6em; max-width: 48rem; }
.committee { font-size: 13pt; color: var(--secondary); margin: 0; }
table { border-collapse: collapse; margin: 0.3em 0 1em; width: 100%; }
caption { text-align: left; font-weight: 700; padding: 0 0 0.35em; }
th, td { border: 1px solid var(--border); padding: 0.3em 0.45em; text-align: left; vertical-align: top; }
thead th { background: var(--light); border-bottom: 2px solid var(--ink); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.num.wraps { white-space: normal; }
.details th { width: 12rem; background: var(--light); }
.note { display: block; font-weight: 400; font-size: 0.85em; color: var(--secondary); }
.rating { font-weight: 700; white-space: nowrap; }
.rating--red { background: var(--red); color: #fff; }
.rating--amber { background: var(--amber); color: var(--ink); }
.rating--green { background: var(--green); color: #fff; }
.badge { display: inline-block; padding: 0.05em 0.45em; border: 1px solid var(--ink); font-weight: 700; }
.dot { font-weight: 700; white-space: nowrap; }
.dot--better { color: var(--green); }
.dot--worse { color: var(--worse); }
.dot--same, .dot--na { color: var(--secondary); }
.summary-sentence { font-size: 13pt; font-weight: 700; }
.flag { font-weight: 700; border-left: 5px solid var(--red); padding-left: 0.4em; }
.key { width: auto; min-width: 60%; }
.appendix { font-size: 8.5pt; table-layout: fixed; }
.appendix .group th { background: #fff; border-bottom: 2px solid var(--ink); font-size: 9.5pt; }
.appendix tbody th { font-weight: 700; }
.rated { font-weight: 700; }
figure { margin: 1em 0 1.2em; break-inside: avoid; }
figure img { display: block; width: 100%; max-width: 800px; height: auto; border: 1px solid var(--border); }
figcaption { font-size: 9.5pt; color: var(--secondary); margin-top: 0.3em; }
.headline { font-size: 12pt; }
.headline .badge { margin-right: 0.8em; }
.detail-note { font-size: 9pt; color: var(--secondary); }
.figure-notes p { margin: 0.35em 0 0; }
.figure-notes + .detail-note { margin-top: 0.35em; }
.landscape { page: landscape; }
#appendix-1 h2 { margin-top: 0; }  /* the sheet's own margin is enough: room for notes under the table */
.new-page { break-before: page; }
#key { break-inside: avoid; }
tr, figure, .headline, .indicator-text { break-inside: avoid; }
p { orphans: 3; widows: 3; }
h2, h3, h4, caption { break-after: avoid; }
footer { margin-top: 2em; border-top: 1px solid var(--border); padding-top: 0.6em; font-size: 9pt; color: var(--secondary); }
@media print { body { max-width: none; padding: 0; } }
"""
NUM = ' class="num"'
APPENDIX_WIDTHS = (12, 5.5, 6, 6, 6.5, 6, 5.5, 7.5, 6, 6.5, 6.5, 15, 11)  # per cent of the landscape width


def _css_string(text: str) -> str:
    """A CSS string literal; quotes, backslashes and angle brackets are escaped, so settings
    text cannot end the string or the <style> element."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>' else ch for ch in text)
    return f'"{escaped}"'


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _mark(mark: Mark, cls: str = "dot") -> str:
    return f'<span class="{cls} {cls}--{mark.kind}"><span aria-hidden="true">{_e(mark.symbol)}</span> {_e(mark.word)}</span>'


def _badge(mark: Mark) -> str:
    return f'<span class="badge rating--{mark.kind}"><span aria-hidden="true">{_e(mark.symbol)}</span> {_e(mark.word)}</span>'


def _table(
    caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Collection[int] = frozenset(), cls: str = ""
) -> str:
    """Cells are escaped here; the first cell of each row is its header."""
    head = "".join(f'<th scope="col"{NUM if i in numeric else ""}>{_e(h)}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = [f'<th scope="row">{_e(row[0])}</th>']
        cells += [f"<td{NUM if i in numeric else ''}>{_e(v)}</td>" for i, v in enumerate(row) if i]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="{cls}"><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _figure(chart: Chart, svg: bytes, number: int) -> str:
    data = base64.b64encode(svg).decode("ascii")
    return (
        f'<figure id="figure-{number}"><img src="data:image/svg+xml;base64,{data}" alt="{_e(chart.alt)}" '
        f'width="{chart.width}" height="{chart.height}"><figcaption>Figure {number}: {_e(chart.caption)}</figcaption></figure>'
    )


def _lines(text: str) -> str:
    return "<br>".join(_e(line) for line in text.split("\n"))


def _title_block(c: PackContent) -> str:
    body = "".join(f'<tr><th scope="row">{_e(k)}</th><td>{_lines(v)}</td></tr>' for k, v in title_rows(c))
    return (
        f'<header><p class="committee">{_e(c.committee)}</p><h1>{_e(c.title)}</h1>'
        f'<table class="details"><caption>Report details</caption><tbody>{body}</tbody></table></header>'
    )


def _summary(c: PackContent) -> str:
    goals = _table(
        "Rated indicators by goal: number and share with each rating",
        ["Goal", "■ Red", "▲ Amber", "● Green", "Rated"],
        [(g.goal, g.red, g.amber, g.green, str(g.rated)) for g in c.goals],
        {1, 2, 3, 4},
    )
    reds = f"<p>Rated Red: {_e('; '.join(c.red_names))}.</p>" if c.red_names else ""
    notes = "".join(f'<p class="flag">{_e(n)}</p>' for n in c.notes)
    recs = "".join(f"<li>{_e(r)}</li>" for r in c.recommendations)
    return (
        f'<section id="summary" aria-labelledby="summary-heading"><h2 id="summary-heading">Summary</h2><p>{_e(c.intro)}</p>'
        f"<h3>RAG summary, {_e(c.period.label)}</h3>"
        f'<p class="summary-sentence" id="rag-summary">{_e(c.summary_sentence)}</p>{goals}{reds}{notes}'
        f"<h3>Recommendations</h3><p>That Members of the Committee:</p><ol>{recs}</ol></section>"
    )


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_e(part.strip())}</p>" for part in text.split("\n") if part.strip())


def _implications(c: PackContent) -> str:
    """Havering's "Implications and risks" and "Background papers", before the appendices."""
    parts = "".join(f"<h3>{_e(heading)}</h3>{_paragraphs(text)}" for heading, text in c.implications)
    return (
        f'<section id="implications" aria-labelledby="implications-heading"><h2 id="implications-heading">Implications and risks</h2>{parts}</section>'
        f'<section id="background-papers" aria-labelledby="background-papers-heading"><h2 id="background-papers-heading">Background papers</h2>'
        f"{_paragraphs(c.background_papers)}</section>"
    )


def _key(c: PackContent) -> str:
    ratings = "".join(f'<tr><th scope="row">{_badge(m)}</th><td>{_e(t[:1].upper() + t[1:])}.</td></tr>' for m, t in c.key_ratings)
    directions = "".join(
        f'<tr><th scope="row">{_mark(m)}</th><td>{_e(t[:1].upper() + t[1:])}.</td></tr>' for m, t in c.key_directions
    )
    notes = "".join(f"<p>{_e(n)}</p>" for n in c.key_notes)
    return (
        '<section id="key" class="new-page" aria-labelledby="key-heading"><h2 id="key-heading">How indicators are rated</h2>'
        f'<table class="key"><caption>Ratings</caption><tbody>{ratings}</tbody></table>'
        f'<table class="key"><caption>Direction of travel</caption><tbody>{directions}</tbody></table>{notes}</section>'
    )


def _note(text: str) -> str:
    return f'<span class="note">{_e(text)}</span>' if text else ""


def _appendix_row(r: TableRow) -> str:
    def num(value: str, column: str | None = None) -> str:
        return f'<td class="num{" rated" if column == r.rated_column else ""}">{_e(value)}</td>'

    action = f'<span class="flag">{_e(r.action)}</span>' if r.action_missing else _e(r.action)
    return (
        f'<tr id="appendix-{_e(r.code)}"><th scope="row">{_e(r.name)}<span class="note">{_e(r.code)} · {_e(r.basis_note)}</span>{_note(r.spc)}</th>'
        f"{num(r.target)}{num(r.tolerance)}{num(r.quarter, 'quarter')}{num(r.ytd, 'ytd')}{num(r.last_year)}<td class='num wraps'>{_e(r.change)}</td>"
        f"<td>{_e(r.comparator)}</td>"
        f'<td class="rating rating--{r.rating.kind}"><span aria-hidden="true">{_e(r.rating.symbol)}</span> {_e(r.rating.word)}</td>'
        f"<td>{_mark(r.short)}{_note(r.short_note)}</td><td>{_mark(r.long)}{_note(r.long_note)}</td><td>{_e(r.commentary)}</td><td>{action}</td></tr>"
    )


def _figure_notes(c: PackContent) -> str:
    """The notes the table's markers ([1]…) point to."""
    if not c.figure_notes:
        return ""
    # Compact (the heading runs into the first note) so Appendix 1 stays on one landscape page.
    first, *rest = c.figure_notes
    lines = [f"<p><strong>{_e(c.figure_notes_heading)}:</strong> {_e(first)}</p>", *(f"<p>{_e(line)}</p>" for line in rest)]
    return f'<div class="figure-notes detail-note" id="appendix-figure-notes">{"".join(lines)}</div>'


def _appendix(c: PackContent) -> str:
    cols = "".join(f'<col style="width:{w}%">' for w in APPENDIX_WIDTHS)
    head = "".join(f'<th scope="col"{NUM if 1 <= i <= 6 else ""}>{_e(h)}</th>' for i, h in enumerate(c.table_headers))
    bodies = "".join(
        f'<tbody><tr class="group"><th scope="rowgroup" colspan="{len(c.table_headers)}">Goal: {_e(goal)}</th></tr>'
        + "".join(_appendix_row(r) for r in rows)
        + "</tbody>"
        for goal, rows in c.groups
    )
    return (
        f'<section id="appendix-1" class="landscape" aria-labelledby="appendix-1-heading">'
        f'<h2 id="appendix-1-heading">Appendix 1: Performance against target, {_e(c.period.label)}</h2>'
        f'<table class="appendix" id="appendix-table"><caption>{_e(c.table_caption)}</caption><colgroup>{cols}</colgroup>'
        f"<thead><tr>{head}</tr></thead>{bodies}</table>{_figure_notes(c)}"
        '<p class="detail-note">Key: ■ Red, ▲ Amber, ● Green; ↑ Better, ↓ Worse, → Same (performance, not the raw number).</p></section>'
    )


def _section(s: IndicatorSection, images: Mapping[str, bytes], number: int) -> tuple[str, int]:
    figures = []
    for chart in s.charts:
        figures.append(_figure(chart, images[chart.name], number))
        number += 1
    description = f'<p class="detail-note">{_e(s.description)}</p>' if s.description else ""
    action = f'<p class="flag">{_e(s.action)}</p>' if s.action_missing else f"<p>{_e(s.action)}</p>"
    if s.actions and not s.action_missing:
        action = f'<ul class="actions" id="actions-{_e(s.code)}">{"".join(f"<li>{_e(a)}</li>" for a in s.actions)}</ul>'
    if s.previous_actions:
        action += (
            f'<p class="detail-note">{_e(s.previous_heading)}</p>'
            f'<ul class="actions" id="actions-last-{_e(s.code)}">{"".join(f"<li>{_e(a)}</li>" for a in s.previous_actions)}</ul>'
        )
    projection = f'<p class="projection" id="projection-{_e(s.code)}">{_e(s.projection)}</p>' if s.projection else ""
    verdict = f'<p class="verdict" id="verdict-{_e(s.code)}">{_e(s.verdict)}</p>' if s.verdict else ""
    questions = (
        f'<div class="questions" id="questions-{_e(s.code)}"><p>These verdicts answer different questions:</p>'
        f"<ul>{''.join(f'<li>{_e(q)}</li>' for q in s.questions)}</ul></div>"
        if s.questions
        else ""
    )
    html = (
        f'<article id="indicator-{_e(s.code)}" aria-labelledby="indicator-{_e(s.code)}-heading">'
        f'<div class="indicator-text"><h3 id="indicator-{_e(s.code)}-heading">{_e(s.code)}: {_e(s.name)}</h3>{description}'
        f'<p class="headline">{_badge(s.rating)} Short term: {_mark(s.short)} &nbsp; Long term: {_mark(s.long)}</p>{verdict}'
        f'<p>{_e(s.reason)}</p><p>{_e(s.change)}</p><p class="spc-line">{_e(s.spc)}</p>{questions}{projection}'
        f'<p class="detail-note">Short term: {_e(s.short_detail)} Long term: {_e(s.long_detail)}</p>'
        f"<h4>Commentary</h4><p>{_e(s.commentary)}</p><h4>Corrective action{'s' if s.actions else ''}</h4>{action}</div>{''.join(figures)}</article>"
    )
    return html, number


def _demand(c: PackContent, images: Mapping[str, bytes], number: int) -> str:
    chart = (
        _figure(c.demand_chart, images[c.demand_chart.name], number)
        if c.demand_chart
        else "<p>No context indicators are defined.</p>"
    )
    table = (
        _table(
            f"Context indicators, {c.period.label} against a year earlier",
            c.demand_headers,
            [(r.name, r.now, r.last_year, r.change) for r in c.demand_rows],
            {1, 2},
        )
        if c.demand_rows
        else ""
    )
    return (
        '<section id="appendix-2" class="new-page" aria-labelledby="appendix-2-heading">'
        f'<h2 id="appendix-2-heading">Appendix 2: Demand pressures, {_e(c.period.label)}</h2><p>{_e(c.demand_intro)}</p>{chart}{table}</section>'
    )


def _annex(c: PackContent) -> str:
    """The technical annex, at the very end: the only place in the pack with test names and p-values."""
    if not c.annex:
        return ""
    entries = "".join(
        f'<h3 id="annex-{_e(a.code)}">{_e(a.name)} ({_e(a.code)})</h3><ul>{"".join(f"<li>{_e(line)}</li>" for line in a.lines)}</ul>'
        for a in c.annex
    )
    return (
        '<section id="technical-annex" class="new-page" aria-labelledby="technical-annex-heading">'
        f'<h2 id="technical-annex-heading">Technical annex: statistical tests and SPC limits</h2><p>{_e(ANNEX_INTRO)}</p>{entries}</section>'
    )


def render_html(content: PackContent, images: Mapping[str, bytes]) -> str:
    """The pack as an HTML document; ``images`` maps each chart name to its SVG."""
    sections, number = [], 1
    for s in content.sections:
        html, number = _section(s, images, number)
        sections.append(html)
    footer = _css_string(
        ("DRAFT · " if content.draft else "") + f"{content.committee} · {content.area_name} · {content.period.label}"
    )
    if content.data_line:  # on every printed page, under the committee line
        footer = f'{footer} "\\a " {_css_string(content.data_line)}'
    css = CSS.replace('var(--footer, "")', f"{footer}; white-space: pre-wrap; font: 8pt Arial, sans-serif; color: #505a5f")
    mark = ""
    if content.draft:  # at the top of every printed page, and of the document on screen
        css += DRAFT_CSS.replace("var(--draft)", _css_string(DRAFT_MARK))
        mark = f'<p class="draft-mark" role="note">{_e(DRAFT_MARK)}</p>'
    data_line = f'<p id="data-line">{_e(content.data_line)}</p>' if content.data_line else ""
    title = ("DRAFT: " if content.draft else "") + f"{content.title}: {content.area_name}"
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{css}</style></head><body>{mark}"
        f"{_title_block(content)}<main>{_summary(content)}{_implications(content)}{_appendix(content)}{_key(content)}"
        '<section id="indicators" class="new-page" aria-labelledby="indicators-heading">'
        f'<h2 id="indicators-heading">Performance by indicator</h2>{"".join(sections)}</section>'
        f"{_demand(content, images, number)}{_annex(content)}</main>"
        f"<footer><p>{_e(sources_note(content.area_code))}</p>{data_line}"
        f"<p>Produced with cspdash on {_e(content.date)}.</p></footer></body></html>"
    )
