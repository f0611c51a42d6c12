"""Typed SQLAlchemy 2 models. Counts are stored at the finest grain the source gives
(area × month × category); quarters, years and parent areas are aggregated in queries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Area(Base):
    __tablename__ = "area"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))  # ward | borough | region | country | other
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("area.code"), index=True)


class Upload(Base):
    """One loaded file: what, when, by whom, and what it changed."""

    __tablename__ = "upload"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    periods: Mapped[str] = mapped_column(Text, default="")
    areas: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    loaded_by: Mapped[str] = mapped_column(String(100), default="cli")
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CrimeCount(Base):
    __tablename__ = "crime_count"
    __table_args__ = (
        # Serves lookups by area and month as well as keeping keys unique.
        UniqueConstraint("area_code", "month", "major_category", "minor_category"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    month: Mapped[str] = mapped_column(String(7))
    major_category: Mapped[str] = mapped_column(String(100))
    minor_category: Mapped[str] = mapped_column(String(100), default="")
    count: Mapped[int] = mapped_column(Integer)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class AsbCount(Base):
    __tablename__ = "asb_count"
    __table_args__ = (
        UniqueConstraint("area_code", "month", "category"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    month: Mapped[str] = mapped_column(String(7))
    category: Mapped[str] = mapped_column(String(100), default="")
    count: Mapped[int] = mapped_column(Integer)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class MaracReturn(Base):
    __tablename__ = "marac_return"
    __table_args__ = (UniqueConstraint("area_code", "quarter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    quarter: Mapped[str] = mapped_column(String(10))
    cases_discussed: Mapped[int] = mapped_column(Integer)
    repeat_cases: Mapped[int] = mapped_column(Integer)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)  # any further columns, kept as given
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class Indicator(Base):
    __tablename__ = "indicator"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    goal: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(16))  # count | percent | rate
    polarity: Mapped[str] = mapped_column(String(8))  # lower | higher | band
    basis: Mapped[str] = mapped_column(String(8))  # quarter | ytd
    measure: Mapped[str] = mapped_column(String(300))
    rated: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    comparator_area: Mapped[str | None] = mapped_column(String(32))
    comparator_label: Mapped[str | None] = mapped_column(String(200))
    # Which earlier value decides Amber v Red: the same period last year (the framework's
    # default) or the previous quarter.
    rag_comparison: Mapped[str] = mapped_column(String(24), default="same_period_last_year")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Target(Base):
    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("indicator_code", "year", "quarter", "area_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code", ondelete="CASCADE"))
    year: Mapped[str] = mapped_column(String(7))  # 2016-17
    quarter: Mapped[int | None] = mapped_column(Integer)  # None = every quarter of the year
    area_code: Mapped[str | None] = mapped_column(String(32))  # None = every area
    target: Mapped[float | None] = mapped_column(Float)
    target_low: Mapped[float | None] = mapped_column(Float)
    target_high: Mapped[float | None] = mapped_column(Float)
    tolerance: Mapped[float] = mapped_column(Float, default=0.0)
    tolerance_type: Mapped[str] = mapped_column(String(4), default="abs")
    updated_by: Mapped[str] = mapped_column(String(100), default="cli")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IndicatorValue(Base):
    """A value uploaded directly for an indicator (measure ``values``, or comparators)."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_code", "area_code", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code", ondelete="CASCADE"))
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    period: Mapped[str] = mapped_column(String(10))  # YYYY-MM or 2016-17-Q3
    value: Mapped[float] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class Commentary(Base):
    """Analyst commentary and corrective action for an indicator, area and quarter."""

    __tablename__ = "commentary"
    __table_args__ = (UniqueConstraint("indicator_code", "area_code", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code", ondelete="CASCADE"))
    area_code: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(10))
    commentary: Mapped[str] = mapped_column(Text, default="")
    corrective_action: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(100), default="cli")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
