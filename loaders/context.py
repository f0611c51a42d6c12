"""What every loader is handed: the session, the file, known areas and the problem log."""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.counts import CountWriter
from loaders.errors import ProblemLog
from loaders.reading import Source
from loaders.summary import LoadSummary
from store.area_book import AreaBook
from store.bulk import MERGE, BulkWriter
from store.coverage_record import Loaded
from store.db import Session
from store.kept_totals import Category
from store.partnerships import ensure_partnership, partnership_in_force


@dataclass
class LoadContext:
    session: Session
    source: Source
    summary: LoadSummary
    areas: AreaBook
    log: ProblemLog
    upload_id: int | None
    user: str
    # A re-load that would lower many held figures by more than half goes ahead only when
    # accepted (``loaders.month_checks``): --accept-drops, or the upload page's confirmation.
    accept_drops: bool = False
    stub_month_share: float = 0.2
    _bulk: BulkWriter | None = field(default=None, repr=False)
    # Per source (crime, asb): what the load wrote, for the coverage record.
    loaded: dict[str, Loaded] = field(default_factory=dict)
    # Per source: per part, the categories of the rows the load wrote, and whether it replaced
    # any rows held before (``store.kept_totals``: the categories held).
    categories: dict[str, dict[str, set[Category]]] = field(default_factory=dict)
    replaced_rows: dict[str, bool] = field(default_factory=dict)
    # The partnership asked for (None: the one in force); see ``partnership``.
    requested_partnership: str | None = None
    _partnership: str | None = field(default=None, repr=False)

    @property
    def partnership(self) -> str:
        """The partnership whose indicators, targets, values, commentary or annotations this load
        reads and writes, held from now on (the home area's, when none is held yet). Asked for only
        by those loaders: counts, areas and boundaries are shared."""
        if self._partnership is None:
            code = partnership_in_force(self.session, self.requested_partnership)
            ensure_partnership(self.session.connection(), code)
            self._partnership = code
        return self._partnership

    @property
    def loaded_partnership(self) -> str | None:
        """The partnership whose rows this load wrote; None when it wrote only shared data."""
        return self._partnership

    @property
    def bulk(self) -> BulkWriter:
        """The load's bulk writer (made on first use); ``load_file`` drains or aborts it."""
        if self._bulk is None:
            self._bulk = BulkWriter(self.session)
        return self._bulk

    def count_writer(self, kind: str) -> CountWriter:
        return CountWriter(self.bulk, kind, self.areas, self.upload_id, self.log)

    def drain(self) -> None:
        """Wait for every bulk statement queued so far (raising the first that failed)."""
        if self._bulk is not None:
            self._bulk.drain()

    def start_finishing(self) -> None:
        """Start rebuilding any index set aside for the load; ``finish`` waits for it."""
        if self._bulk is not None:
            self._bulk.start_finishing()

    def finish(self) -> None:
        """Drain, and rebuild any index set aside for the load (``BulkWriter.finish``)."""
        if self._bulk is not None:
            self._bulk.finish()

    def abort(self) -> None:
        if self._bulk is not None:
            self._bulk.abort()

    def note_loaded(self, writer: CountWriter) -> None:
        """Tell the coverage record which area-months ``writer`` wrote (once closed and drained),
        so it works out those and the areas above them again, not the whole record."""
        area_months, only_this_load = writer.loaded_area_months
        totals = writer.written_totals
        if (before := self.loaded.get(writer.kind)) is not None:  # a second writer for the same table
            area_months, only_this_load = before.area_months | area_months, before.only_this_upload and only_this_load
            totals = None  # the second found the table holding the first's rows: read back
        self.loaded[writer.kind] = Loaded(self.upload_id, area_months, only_this_load, totals)
        categories = self.categories.setdefault(writer.kind, {})
        for part, written in writer.categories.items():
            categories.setdefault(part, set()).update(written)
        replaced = writer.replaced > 0 or writer.strategy_used == MERGE  # a merge deletes what the file no longer has
        self.replaced_rows[writer.kind] = self.replaced_rows.get(writer.kind, False) or replaced

    def finish_counts(self, writer: CountWriter) -> None:
        writer.close()
        self.drain()
        self.note_loaded(writer)
        self.summary.stored = writer.stored
        self.summary.replaced = writer.replaced
        if writer.strategy_used == MERGE:
            self.summary.notes.append(
                f"only changes written: {writer.written:,} (new, revised or removed values); {writer.unchanged:,} values were held already, unchanged"
            )
        self.summary.total = writer.total
        self.summary.periods = sorted(writer.months)
        self.summary.areas = len(writer.area_codes)
