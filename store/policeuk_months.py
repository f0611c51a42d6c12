"""police.uk coverage by force and month: what each load saw of each force's months, and the
gaps it leaves marked in the coverage record.

A police.uk download is one street file per force and month. A force-month the download
covers but holds no file for, or whose file has no ASB rows (or no crime rows), is a gap for
that source in the force's wards: they hold no figure, so the month must read as missing, not
as zero. The gaps are written as marks (``incomplete_in_source``, the same marks stub months
use), so the coverage record and ``cspdash counts`` show them as ``incomplete in source file``
until a file gives the month; where another source (the Met's files) holds the ward-month,
its figure stands and the mark goes (``store.incomplete_months.record_incomplete``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from store.areas import AreaTree
from store.count_sources import PART_PREFIX, TABLES, borough_of, held_majority_forces
from store.models import IncompleteInSource, PoliceUkForceMonth, Upload

GAP_SOURCES = ("crime", "asb")


@dataclass(frozen=True)
class ForceMonth:
    """What one load saw of one force's month."""

    force: str
    month: str
    has_file: bool
    crime_records: int = 0
    asb_records: int = 0
    no_location: int = 0
    no_lsoa: int = 0

    def gaps(self) -> tuple[str, ...]:
        """The sources (crime, asb) this force-month gives no figure for."""
        if not self.has_file:
            return GAP_SOURCES
        return tuple(s for s, n in (("crime", self.crime_records), ("asb", self.asb_records)) if n == 0)


@dataclass(frozen=True)
class Gap:
    """A source's gap for a force-month, and the wards of the force it leaves without a figure."""

    force_month: ForceMonth
    source: str
    wards: int


def record_force_months(session: Session, seen: Iterable[ForceMonth], upload_id: int | None) -> None:
    """Hold what this load saw of each force-month. A month held with a file is never replaced
    by a later load's "no file" (a download that lacks it says nothing new about it)."""
    for item in seen:
        held = session.get(PoliceUkForceMonth, (item.force, item.month))
        if held is not None and held.has_file and not item.has_file:
            continue
        if held is None:
            held = PoliceUkForceMonth(force=item.force, month=item.month)
            session.add(held)
        held.has_file = item.has_file
        held.crime_records, held.asb_records = item.crime_records, item.asb_records
        held.no_location, held.no_lsoa = item.no_location, item.no_lsoa
        held.upload_id = upload_id
    session.flush()


def force_months(session: Session) -> list[ForceMonth]:
    """Every force-month held, by force then month."""
    rows = session.scalars(select(PoliceUkForceMonth).order_by(PoliceUkForceMonth.force, PoliceUkForceMonth.month))
    return [ForceMonth(r.force, r.month, r.has_file, r.crime_records, r.asb_records, r.no_location, r.no_lsoa) for r in rows]


def mark_gaps(session: Session, upload_id: int | None) -> list[Gap]:
    """Write a mark for every ward-month a held force-month gap leaves without a figure (the
    marks police.uk loads wrote before are worked out again, so a month loaded since loses its
    mark). Returns the gaps, with how many wards each leaves without a figure."""
    policeuk_uploads = select(Upload.id).where(Upload.kind == "policeuk")
    session.execute(
        delete(IncompleteInSource)
        .where(IncompleteInSource.source.in_(GAP_SOURCES), IncompleteInSource.upload_id.in_(policeuk_uploads))
        .execution_options(synchronize_session=False)
    )
    held_marks: set[tuple[str, str, str]] = {
        (source, area, month)
        for source, area, month in session.execute(
            select(IncompleteInSource.source, IncompleteInSource.area_code, IncompleteInSource.month)
        )
    }
    wards_of: dict[str, list[str]] = {}
    gaps: list[Gap] = []
    tree: AreaTree | None = None
    home: dict[str, str] = {}
    for item in force_months(session):
        for source in item.gaps():
            if tree is None:
                tree = AreaTree.load(session)
                home = held_majority_forces(session, tree)
            if item.force not in wards_of:
                wards_of[item.force] = _wards_of_force(session, item.force, tree, home)
            wards = wards_of[item.force]
            fresh = [w for w in wards if (source, w, item.month) not in held_marks]
            session.add_all(
                IncompleteInSource(
                    source=source, area_code=w, month=item.month, upload_id=upload_id, file_total=0, median_of_others=0.0
                )
                for w in fresh
            )
            held_marks.update((source, w, item.month) for w in fresh)
            gaps.append(Gap(item, source, len(wards)))
    session.flush()
    return gaps


def _wards_of_force(session: Session, force: str, tree: AreaTree, home: dict[str, str]) -> list[str]:
    """The force's own ground as far as the loads tell: the areas its police.uk records have
    been placed in (in any month, counted or set aside) in districts where it is the home
    force (``home``: the force with the most records there). The few records it has over its
    border do not make a neighbouring force's wards its own."""
    found: set[str] = set()
    for main, aside in TABLES.values():
        for table in (main, aside):
            rows = session.execute(
                text(f"SELECT DISTINCT area_code FROM {table} WHERE part = :part"), {"part": PART_PREFIX + force}
            )
            found.update(code for (code,) in rows)
    return sorted(code for code in found if home.get(borough_of(tree, code), force) == force)
