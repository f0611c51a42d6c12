"""What every loader is handed: the session, the file, known areas and the problem log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from loaders.areas_known import AreaBook
from loaders.counts import CountWriter
from loaders.errors import ProblemLog
from loaders.reading import Source
from loaders.summary import LoadSummary


@dataclass
class LoadContext:
    session: Session
    source: Source
    summary: LoadSummary
    areas: AreaBook
    log: ProblemLog
    upload_id: int | None
    user: str

    def finish_counts(self, writer: CountWriter) -> None:
        self.summary.stored = writer.stored
        self.summary.replaced = writer.replaced
        self.summary.total = writer.total
        self.summary.periods = sorted(writer.months)
        self.summary.areas = len(writer.area_codes)
