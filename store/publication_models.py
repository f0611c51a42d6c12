"""Publishing (issue 10): a quarter's sign-off state and the versions frozen when it was
published. Imported by ``store.models`` so Alembic and ``Base.metadata`` see these tables.

A published version is written once and never changed: the ORM refuses updates and deletes
(below) and the migration adds database triggers that refuse them from any other client too.
A correction is a new version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base

QUARTER_STATES = ("draft", "submitted", "published")


class QuarterState(Base):
    """Where a quarter's report for one area stands. No row means draft, never published."""

    __tablename__ = "quarter_state"
    __table_args__ = (UniqueConstraint("period", "area_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(10))  # 2016-17-Q3
    area_code: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="draft")  # draft | submitted | published
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")  # the submit/publish note or the re-open reason


class PublishedVersion(Base):
    """One published version of a quarter's report: the whole scorecard, RAG summary and
    indicator-page figures as one self-describing JSON document (canonical text, so its
    SHA-256 is stable), plus who, when and why."""

    __tablename__ = "published_version"
    __table_args__ = (UniqueConstraint("period", "area_code", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
    area_code: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, … per period and area
    published_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")
    correction_reason: Mapped[str] = mapped_column(Text, default="")  # why version 2, 3… replaced the last
    forced: Mapped[bool] = mapped_column(Boolean, default=False)  # published despite missing items
    force_reason: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[str] = mapped_column(Text)  # canonical JSON (see store.publishing)
    document_sha256: Mapped[str] = mapped_column(String(64))


class PublishedFile(Base):
    """A committee pack file exactly as generated when the version was published."""

    __tablename__ = "published_file"
    __table_args__ = (UniqueConstraint("version_id", "format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("published_version.id"))
    format: Mapped[str] = mapped_column(String(8))  # docx | pdf | html
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class FrozenRecord(Exception):
    """Something tried to change or delete part of a published version."""


def _refuse_change(_mapper: object, _connection: object, target: PublishedVersion | PublishedFile) -> None:
    raise FrozenRecord(f"{type(target).__name__} {target.id} is part of a published version and cannot be changed")


for _model in (PublishedVersion, PublishedFile):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)
