"""``cspdash ingest csp-tables FILE``: the Home Office "Police recorded crime by Community Safety
Partnership" open data tables (``.xlsx`` or ``.ods``), stored as quarterly counts per partnership
by offence group and subgroup (issue 21 part 2).

Partnerships are matched by name to those the district lookup loaded, through the shipped alias
list ("Shepway" is Folkestone and Hythe); an unmatched name is an error naming it, the sheet and
the row. Each force's "Unassigned" rows are held on an area of level ``other`` under the force,
so they count in the force's and England and Wales's totals and in no partnership's. Offence
group spellings that differ between years are one group. Loading replaces the quarters it covers."""

from __future__ import annotations

from collections import defaultdict

from loaders.context import LoadContext
from loaders.errors import LoadError, Problem
from loaders.options import LoadProgress, progress_of
from loaders.workbook import TablesRead, open_workbook, shipped_aliases, table_rows
from rules.csp_tables import code_key, fold_spellings, is_unassigned, match_partnership, name_key, quarter_key
from store.csp_crime import replace_quarters
from store.kept_totals import record_csp_totals

UNASSIGNED_SUFFIX = "-UNASSIGNED"  # area code of a force's Unassigned part: the force's code + this


def load_csp_tables(ctx: LoadContext) -> None:
    source = ctx.source
    where = source.path if source.path is not None else source.data
    if where is None:
        raise LoadError(source.name, [Problem(None, None, None, "no file given")])
    book = open_workbook(where, source.name, source.limits.max_unpacked_bytes)
    held = ctx.areas.areas
    partnerships = {name: code for code, (name, level, _) in held.items() if level == "csp"}
    forces = {name_key(name): code for code, (name, level, _) in held.items() if level == "force"}
    if not partnerships:
        raise LoadError(
            source.name, [Problem(None, None, None, "no partnerships are held: load the district to partnership lookup first")]
        )
    aliases = shipped_aliases()
    counts: dict[tuple[str, str, str, str, str], int] = defaultdict(int)
    # each spelling as read -> the one spelling of its group (the first seen), folded as the rows
    # stream so the counts are held once, never copied: a national file holds ~1,000,000 keys
    groups: dict[str, str] = {}
    subgroups: dict[str, str] = {}
    chosen: dict[str, str] = {}
    chosen_sub: dict[str, str] = {}
    codes: dict[object, str] = {}  # each code as read (text, or a number) -> as compared
    quarters_seen: dict[tuple[str, str], str] = {}
    unassigned: set[str] = set()  # forces with Unassigned rows
    read = TablesRead()
    matched: dict[str, str | None] = {}  # each name matched once: the files repeat them a million times
    progress = progress_of(source)
    sheet, in_sheet = "", 0
    for row in table_rows(book, read):  # one row at a time, streamed from the file
        if row.sheet != sheet:
            _sheet_done(progress, sheet, in_sheet)
            sheet, in_sheet = row.sheet, 0
            progress.tell(f"reading sheet {sheet}")
        in_sheet += 1
        if in_sheet % progress.every == 0:
            progress.tell(f"sheet {sheet}: {in_sheet:,} rows read")
        ctx.summary.rows += 1
        v = row.values
        when = (str(v["Financial Year"]), str(v["Financial Quarter"]))
        if when not in quarters_seen:
            try:
                quarters_seen[when] = quarter_key(when[0], v["Financial Quarter"])
            except ValueError as exc:
                ctx.log.add(row.row, "Financial Quarter", v["Financial Quarter"], f"sheet {sheet}: {exc}")
                continue
        quarter = quarters_seen[when]
        try:
            count = int(float(str(v["Offence Count"]).strip()))
        except ValueError:
            ctx.log.add(row.row, "Offence Count", v["Offence Count"], f"sheet {sheet}: not a whole number")
            continue
        name, force = str(v["CSP Name"]).strip(), str(v["Police Force"]).strip()
        if is_unassigned(name):
            code = forces.get(name_key(force))
            if code is None:
                ctx.log.add(row.row, "Police Force", force, f"sheet {sheet}: no police force area of this name is held")
                continue
            unassigned.add(code)
            area = code + UNASSIGNED_SUFFIX
        else:
            if name not in matched:
                matched[name] = match_partnership(name, partnerships, aliases)
            found = matched[name]
            if found is None:
                ctx.log.add(row.row, "CSP Name", name, f"sheet {sheet}: no partnership of this name is held, nor an alias for it")
                continue
            area = found
        group, subgroup = str(v["Offence Group"]).strip(), str(v["Offence Subgroup"]).strip()
        # one string object per spelling, shared by every key: a national file holds ~700,000 keys
        group, subgroup = _folded(group, groups, chosen), _folded(subgroup, subgroups, chosen_sub)
        raw_code = v["Offence Code"]
        code = codes.get(raw_code)
        if code is None:
            code = codes[raw_code] = code_key(raw_code)
        counts[(area, quarter, group, subgroup, code)] += count
    _sheet_done(progress, sheet, in_sheet)
    if ctx.log or not counts:
        return
    ctx.summary.notes.append(read.updated or "the Notes sheet has no Updated: line")
    for force in sorted(unassigned):
        ctx.areas.learn(force + UNASSIGNED_SUFFIX, f"{held[force][0]}: unassigned", "other", force)
    ctx.session.flush()
    stored, replaced = replace_quarters(ctx.session, counts, ctx.upload_id)
    record_csp_totals(ctx.session, counts, replaced)  # what the funnel and the measures read, in this load
    quarters = sorted({key[1] for key in counts})
    ctx.summary.stored, ctx.summary.replaced = stored, replaced
    ctx.summary.areas = len({key[0] for key in counts})
    ctx.summary.periods = quarters
    ctx.summary.notes.append(
        f"{len(quarters)} quarters ({quarters[0]} to {quarters[-1]}) in sheets {', '.join(read.year_sheets)}"
    )


def _folded(name: str, seen: dict[str, str], chosen: dict[str, str]) -> str:
    """The one spelling of ``name``'s group (``rules.csp_tables.fold_spellings``, a row at a
    time); each spelling read is folded once and shared by every key holding it."""
    found = seen.get(name)
    if found is None:
        found = seen[name] = fold_spellings([name], chosen)[name]
    return found


def _sheet_done(progress: LoadProgress, sheet: str, rows: int) -> None:
    if sheet:
        progress.tell(f"sheet {sheet}: {rows:,} rows read")
