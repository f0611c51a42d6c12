"""Groups of similar areas: ``group,area_code`` (optional ``area_name``), one row per member.

Members are partnerships (CSPs) or districts held in the area tree (load the district to
partnership lookup first). A reload replaces the groups it names and keeps the others."""

from __future__ import annotations

from loaders.cells import log_duplicates, require_text
from loaders.context import LoadContext
from loaders.keyed import read_all
from rules.area_levels import DISTRICT
from store.comparison_groups import replace_groups

MEMBER_LEVELS = ("csp", DISTRICT)
GROUP_NAME_LENGTH = 120  # as stored; an indicator names the group as ``group:<name>``


def load_comparison_groups(ctx: LoadContext) -> None:
    frame, _ = read_all(ctx, ["group", "area_code"], ["area_name"])
    require_text(frame, "group", ctx.log)
    require_text(frame, "area_code", ctx.log)
    for row, name in zip(frame["__row__"], frame["group"]):
        if len(str(name)) > GROUP_NAME_LENGTH:
            ctx.log.add(int(row), "group", name, f"a group's name is at most {GROUP_NAME_LENGTH} characters")
    for row, code in zip(frame["__row__"], frame["area_code"]):
        if not code:
            continue
        held = ctx.areas.areas.get(code)
        if held is None:
            ctx.log.add(int(row), "area_code", code, "unknown area: load the district to partnership lookup first")
        elif held[1] not in MEMBER_LEVELS:
            ctx.log.add(int(row), "area_code", code, f"{held[0]} is a {held[1]}: a member is a partnership or a district")
    log_duplicates(frame, ["group", "area_code"], {}, ctx.log, "member of this group")
    if ctx.log:
        return
    members: dict[str, list[str]] = {}
    for name, code in zip(frame["group"], frame["area_code"]):
        members.setdefault(str(name), []).append(str(code))
    ctx.summary.stored, ctx.summary.replaced = replace_groups(ctx.session, members, ctx.upload_id)
    ctx.summary.areas = frame["area_code"].nunique()
    ctx.summary.notes.append(
        f"{len(members):,} group{'s' if len(members) != 1 else ''} of similar areas: "
        + ", ".join(f"{name} ({len(codes)})" for name, codes in members.items())
    )
