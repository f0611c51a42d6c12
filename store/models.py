"""Typed SQLAlchemy 2 models. Counts are stored at the finest grain the source gives
(area × month × category); quarters, years and parent areas are aggregated in queries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
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
    # ward | borough (a district) | csp | force | nation | region | country | other
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("area.code"), index=True)
    # A ward's boundary generation ("2018": wards before May 2022, "2022"): from the dated
    # outlines held for its code, else from the file that introduced it. None: not known.
    boundary_vintage: Mapped[str | None] = mapped_column(String(32))
    # Retired by a boundary load that replaced its outline (geo/retire.py): the area its figures
    # went into ("" when none took them). None: in use.
    retired_into: Mapped[str | None] = mapped_column(String(32))


class AreaLink(Base):
    """A further parent of an area, beside ``Area.parent_code``: a district's Community Safety
    Partnership when its parent is its region (London), or its country when its parent is its
    partnership (issue 21). The trees above districts never meet, so no figure counts twice."""

    __tablename__ = "area_link"

    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"), primary_key=True)
    parent_code: Mapped[str] = mapped_column(ForeignKey("area.code"), primary_key=True, index=True)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class ComparisonGroupMember(Base):
    """A member of a group of similar areas (issue 21 part 4): the Home Office most similar
    groups, CIPFA nearest neighbours or a partnership's own list, loaded from a file. A group's
    figure is weighted over its members other than the area scored (``store.comparators``)."""

    __tablename__ = "comparison_group_member"

    group_name: Mapped[str] = mapped_column(String(120), primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"), primary_key=True, index=True)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class CspCrimeCount(Base):
    """Recorded crime for a partnership (or a force's "Unassigned" part), quarter, and Home Office
    offence group and subgroup, from the Home Office CSP tables (issue 21). No foreign keys, as
    for the other counts: the loader checks every area against ``area``."""

    __tablename__ = "csp_crime_count"

    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    quarter: Mapped[str] = mapped_column(String(10), primary_key=True)  # 2024-25-Q1
    offence_group: Mapped[str] = mapped_column(String(120), primary_key=True)
    offence_subgroup: Mapped[str] = mapped_column(String(120), primary_key=True)
    # the Home Office offence code ("8N"); blank on rows loaded before codes were kept (0022)
    offence_code: Mapped[str] = mapped_column(String(20), primary_key=True, server_default="")
    count: Mapped[int] = mapped_column(Integer)
    upload_id: Mapped[int | None] = mapped_column(Integer)


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
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    loaded_by: Mapped[str] = mapped_column(String(100), default="cli")
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CrimeCount(Base):
    """Crime count for an area, month and Home Office (or police.uk) category.

    Keyed by its natural key and without foreign keys: this table takes hundreds of thousands
    of rows per load through COPY, and per-row FK triggers and a second index would triple the
    load time. The loaders check every area code against ``area`` before inserting."""

    __tablename__ = "crime_count"
    # SQLite: the rows live in the key's b-tree alone (migration 0009): each cell written once.
    __table_args__ = (
        PrimaryKeyConstraint("area_code", "month", "part", "major_category", "minor_category"),
        {"sqlite_with_rowid": False},
    )

    area_code: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))
    major_category: Mapped[str] = mapped_column(String(100))
    minor_category: Mapped[str] = mapped_column(String(100), default="")
    count: Mapped[int] = mapped_column(Integer)
    upload_id: Mapped[int | None] = mapped_column(Integer)
    # Which part of the area-month: "" for the recorded-crime files, ``police.uk:<force>`` for
    # each force's street-level records (migration 0012): a load replaces only its own parts.
    part: Mapped[str] = mapped_column(String(64), default="", server_default="")


class CrimeCountSetAside(Base):
    """Crime counts of a source another (primary) source covers for the same borough-month:
    kept and shown, never counted (``store.count_sources``). Columns as ``crime_count``."""

    __tablename__ = "crime_count_set_aside"
    __table_args__ = (
        PrimaryKeyConstraint("area_code", "month", "part", "major_category", "minor_category"),
        {"sqlite_with_rowid": False},
    )

    area_code: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))
    major_category: Mapped[str] = mapped_column(String(100))
    minor_category: Mapped[str] = mapped_column(String(100), default="")
    count: Mapped[int] = mapped_column(Integer)
    upload_id: Mapped[int | None] = mapped_column(Integer)
    part: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AsbCount(Base):
    """ASB count for an area, month and category (see CrimeCount for why no foreign keys)."""

    __tablename__ = "asb_count"
    __table_args__ = (PrimaryKeyConstraint("area_code", "month", "part", "category"), {"sqlite_with_rowid": False})

    area_code: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))
    category: Mapped[str] = mapped_column(String(100), default="")
    count: Mapped[int] = mapped_column(Integer)
    upload_id: Mapped[int | None] = mapped_column(Integer)
    part: Mapped[str] = mapped_column(String(64), default="", server_default="")  # as CrimeCount.part


class AsbCountSetAside(Base):
    """ASB counts set aside (see ``CrimeCountSetAside``). Columns as ``asb_count``."""

    __tablename__ = "asb_count_set_aside"
    __table_args__ = (PrimaryKeyConstraint("area_code", "month", "part", "category"), {"sqlite_with_rowid": False})

    area_code: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))
    category: Mapped[str] = mapped_column(String(100), default="")
    count: Mapped[int] = mapped_column(Integer)
    upload_id: Mapped[int | None] = mapped_column(Integer)
    part: Mapped[str] = mapped_column(String(64), default="", server_default="")


class MaracReturn(Base):
    __tablename__ = "marac_return"
    __table_args__ = (UniqueConstraint("area_code", "quarter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    quarter: Mapped[str] = mapped_column(String(10))
    cases_discussed: Mapped[int] = mapped_column(Integer)
    repeat_cases: Mapped[int] = mapped_column(Integer)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # any further columns, kept as given
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class Partnership(Base):
    """A Community Safety Partnership the deployment serves (issue 23): its code is the area it
    covers (a district or a CSP). Its indicators, targets, values, commentary, actions and
    annotations are its own; counts, areas, boundaries and population are shared by all.
    Publications and pack sections are keyed by the area reported on, which is the partnership's
    code, so they are its own too."""

    __tablename__ = "partnership"

    code: Mapped[str] = mapped_column(ForeignKey("area.code"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    private: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # only its members read it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Counts the partnership's own changes (``store.data_version``); its cached pages key by it.
    data_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


def _indicator_key(table: str) -> ForeignKeyConstraint:
    """The indicator a row hangs off, within its partnership: deleting it deletes the row."""
    return ForeignKeyConstraint(
        ["partnership_code", "indicator_code"],
        ["indicator.partnership_code", "indicator.code"],
        name=f"fk_{table}_partnership_code_indicator",
        ondelete="CASCADE",
    )


class Indicator(Base):
    __tablename__ = "indicator"
    __table_args__ = (PrimaryKeyConstraint("partnership_code", "code"),)

    # None until stored: ``store.partnerships`` fills in the partnership in force when unset.
    partnership_code: Mapped[str] = mapped_column(ForeignKey("partnership.code"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    goal: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(16))  # count | percent | rate
    polarity: Mapped[str] = mapped_column(String(8))  # lower | higher | band
    basis: Mapped[str] = mapped_column(String(8))  # quarter | ytd
    measure: Mapped[str] = mapped_column(String(300))
    rated: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    comparator_area: Mapped[str | None] = mapped_column(String(130))  # an area code, a relation or group:<name>
    comparator_label: Mapped[str | None] = mapped_column(String(200))
    # Which earlier value decides Amber v Red: the same period last year (the framework's
    # default) or the previous quarter.
    rag_comparison: Mapped[str] = mapped_column(String(24), default="same_period_last_year")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # When a definitions file left it out and the analyst chose to retire it: no longer scored
    # or listed, but its values, targets and published versions are kept (re-loading restores it).
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Target(Base):
    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("partnership_code", "indicator_code", "year", "quarter", "area_code"),
        _indicator_key("target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_code: Mapped[str] = mapped_column(String(32))
    indicator_code: Mapped[str] = mapped_column(String(32))
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


class AnnualTarget(Base):
    """A year's target spread over its months by a profile (``rules.profiles``): quarter and
    year-to-date targets derive from it (``store.annual_targets``); a hand-typed quarter
    target (``Target``) wins for its quarter."""

    __tablename__ = "annual_target"
    __table_args__ = (
        UniqueConstraint("partnership_code", "indicator_code", "year", "area_code"),
        _indicator_key("annual_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_code: Mapped[str] = mapped_column(String(32))
    indicator_code: Mapped[str] = mapped_column(String(32))
    year: Mapped[str] = mapped_column(String(7))  # 2016-17
    area_code: Mapped[str | None] = mapped_column(String(32))  # None = every area
    target: Mapped[float] = mapped_column(Float)
    tolerance: Mapped[float] = mapped_column(Float, default=0.0)
    tolerance_type: Mapped[str] = mapped_column(String(4), default="abs")
    profile: Mapped[str] = mapped_column(String(16), default="even")  # even | seasonal | custom
    shares: Mapped[list[float] | None] = mapped_column(JSON)  # custom: twelve shares, April first
    updated_by: Mapped[str] = mapped_column(String(100), default="cli")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IndicatorValue(Base):
    """A value uploaded directly for an indicator (measure ``values``, or comparators)."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("partnership_code", "indicator_code", "area_code", "period"),
        _indicator_key("indicator_value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_code: Mapped[str] = mapped_column(String(32))
    indicator_code: Mapped[str] = mapped_column(String(32))
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    period: Mapped[str] = mapped_column(String(16))  # YYYY-MM, 2016-17-Q3 or 2016-17-YTD-Q3 (published year to date)
    value: Mapped[float] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class Commentary(Base):
    """Analyst commentary and corrective action for an indicator, area and quarter."""

    __tablename__ = "commentary"
    __table_args__ = (UniqueConstraint("partnership_code", "indicator_code", "area_code", "period"), _indicator_key("commentary"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_code: Mapped[str] = mapped_column(String(32))
    indicator_code: Mapped[str] = mapped_column(String(32))
    area_code: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(10))
    commentary: Mapped[str] = mapped_column(Text, default="")
    corrective_action: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(100), default="cli")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CorrectiveAction(Base):
    """One corrective action for an indicator, area and the quarter it was set (issue 20):
    what will be done, who owns it, when it is due and its status (open, done, dropped;
    "overdue" is worked out from the due date, see reporting.actions)."""

    __tablename__ = "corrective_action"
    __table_args__ = (_indicator_key("corrective_action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_code: Mapped[str] = mapped_column(String(32))
    indicator_code: Mapped[str] = mapped_column(String(32), index=True)
    area_code: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[str] = mapped_column(String(100), default="cli")
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100), default="cli")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- Geography (issue 4): boundaries, LSOA→ward lookup, population -----------------------
from sqlalchemy import LargeBinary  # noqa: E402 - appended with the geography models


class AreaBoundary(Base):
    """One area's outline in one boundary vintage ("2018", "2022", "schematic"…). Portable
    (no PostGIS): full detail as WKB for spatial joins, simplified GeoJSON text for maps."""

    __tablename__ = "area_boundary"
    __table_args__ = (UniqueConstraint("area_code", "vintage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    vintage: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))  # as the boundary file names it
    geometry_full: Mapped[bytes] = mapped_column(LargeBinary)  # WKB, WGS84 lon/lat
    geometry_web: Mapped[str] = mapped_column(Text)  # GeoJSON geometry, simplified once at load
    centroid_lon: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    source_file: Mapped[str] = mapped_column(String(500))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class LsoaWard(Base):
    """Best-fit LSOA → ward lookup, used to place police.uk records that carry an LSOA code."""

    __tablename__ = "lsoa_ward"
    __table_args__ = (UniqueConstraint("lsoa_code", "ward_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lsoa_code: Mapped[str] = mapped_column(String(16), index=True)
    ward_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class Population(Base):
    """Resident population of an area in a year: the denominator for rates per 1,000."""

    __tablename__ = "population"
    __table_args__ = (UniqueConstraint("area_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("area.code"))
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))


class User(Base):
    """Someone who may sign in. Only a werkzeug password hash is stored, never the password.

    The table is ``app_user`` because ``user`` is a reserved word in PostgreSQL."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="viewer")  # viewer | analyst | lead | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # What people read ("Published by Priya Shah"); None: the login name is shown.
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Copied into the session cookie at sign-in; bumping it (sign-out, new password, new role,
    # disabled) makes every cookie issued before refused, in every worker.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PartnershipRole(Base):
    """The role a user holds in one partnership (issue 23): an analyst of one partnership may be a
    viewer of another, or nothing there. Admins (``User.role``) are admins of every partnership;
    while a deployment holds one partnership, ``User.role`` is the role in it unless a row here
    says otherwise."""

    __tablename__ = "partnership_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    partnership_code: Mapped[str] = mapped_column(ForeignKey("partnership.code", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # viewer | analyst | lead


class ChangeLog(Base):
    """One change made through the web or the user commands: who, when, what, old and new values."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))  # e.g. edit, upload, add, set-role, disable
    entity: Mapped[str] = mapped_column(String(32))  # target | commentary | upload | user
    key: Mapped[str] = mapped_column(String(300))  # e.g. CSP1 2016-17 Q3 all areas
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"old": {...}, "new": {...}} etc.


class AppSecret(Base):
    """Secrets the app generates once and every worker and restart shares (the session key
    when CSPDASH_SECRET_KEY is unset)."""

    __tablename__ = "app_secret"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignInThrottle(Base):
    """Failed sign-ins per user name (``user:…``) or address (``addr:…``), and any lockout."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DataVersion(Base):
    """One row counting changes to the shared figures (counts, areas, boundaries, population):
    every load of them adds one in its own transaction. Cached pages and exports are keyed by it
    and by the partnership's own counter (``Partnership.data_version``)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    # Changes to what the area tree is built from (areas, their further parents, ward
    # generations): a subset of the shared changes, counted by ``store.area_changes``.
    areas_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# --- Publishing (issue 10): quarter state and frozen published versions -----------------
# --- Series breaks and annotations (issue 11) ---------------------------------------------
from datetime import date as _date  # noqa: E402 - appended with the annotation model

from sqlalchemy import Date  # noqa: E402

import store.publication_models  # noqa: E402 - registers its tables on Base.metadata


class SeriesAnnotation(Base):
    """A dated note on a series: a ``break`` (recording standards changed, a new crime system…)
    starts a new SPC baseline and is named on any direction of travel that crosses it; a
    ``note`` is only drawn and listed. It applies to one indicator, or to every indicator
    drawn from a source (crime, asb, marac, values); to one area, or to every area (blank).
    Blank rather than NULL keys keep the unique key working on PostgreSQL."""

    __tablename__ = "series_annotation"
    __table_args__ = (UniqueConstraint("partnership_code", "indicator_code", "source", "area_code", "date", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_code: Mapped[str] = mapped_column(ForeignKey("partnership.code"))
    indicator_code: Mapped[str] = mapped_column(String(32), default="")
    source: Mapped[str] = mapped_column(String(16), default="")
    area_code: Mapped[str] = mapped_column(String(32), default="")
    date: Mapped[_date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8), default="break")  # break | note
    reason: Mapped[str] = mapped_column(Text)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))
    updated_by: Mapped[str] = mapped_column(String(100), default="cli")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- Recorded coverage (issue 9): which source covers each area and period ----------------


class AreaMonthCoverage(Base):
    """How an area's figure for a period is covered, recorded by every load in its own
    transaction (``store.coverage_record``): its ``own figure``, summed from its ``children``
    (``loaded`` of ``expected`` child areas reporting), or an ``uploaded value``; and the
    latest upload behind it. ``source`` is ``crime``, ``asb``, ``marac`` or
    ``values:<indicator code>``; ``period`` a month (``2017-04``), a quarter (``2016-17-Q3``,
    MARAC returns and quarterly values) or a published year to date (``2015-16-YTD-Q3``).
    No foreign keys, as for the counts: a load rewrites thousands of these rows."""

    __tablename__ = "area_month_coverage"

    source: Mapped[str] = mapped_column(String(48), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    covered_by: Mapped[str] = mapped_column(String(32))  # … or "incomplete in source file"
    upload_id: Mapped[int | None] = mapped_column(Integer)
    loaded: Mapped[int] = mapped_column(Integer)
    expected: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(16), default="")
    complete: Mapped[bool] = mapped_column(Boolean)
    # The area's figure, all categories (a sum of children's even when partial); NULL where the
    # row has none (``incomplete in source file``, uploaded values). Comparators read it.
    total: Mapped[int | None] = mapped_column(BigInteger)


class CategoryFigure(Base):
    """A partnership's figure for a month and one category its indicators chart
    (``crime:BURGLARY``), kept with the coverage record (``store.category_record``): the
    figure and coverage ``store.counts`` resolves from the stored counts, so a scorecard's SPC
    charts read one row per month rather than every ward's counts. ``category`` is the
    selection's key (``BURGLARY``, ``BURGLARY/BURGLARY - RESIDENTIAL``); a row with an empty
    ``period`` marks the series as kept. No foreign keys, as for the record."""

    __tablename__ = "category_figure"

    source: Mapped[str] = mapped_column(String(48), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(210), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    upload_id: Mapped[int | None] = mapped_column(Integer)
    loaded: Mapped[int] = mapped_column(Integer)
    expected: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(16))
    complete: Mapped[bool] = mapped_column(Boolean)
    covered_by: Mapped[str] = mapped_column(String(32))
    lacking: Mapped[str] = mapped_column(Text)


class SourceMonth(Base):
    """A month some area holds a source held as counts for (``crime``, ``asb``), kept as the
    counts change (``store.source_months``): which months and quarters are held is asked by
    every page and API answer that resolves a quarter, and working it out from the count table
    walks its key area by area (seconds with every ward of England and Wales held)."""

    __tablename__ = "source_month"

    source: Mapped[str] = mapped_column(String(48), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)


class CspQuarterTotal(Base):
    """A partnership's (or a force's "Unassigned" part's) count of one offence group in a quarter
    of the Home Office CSP tables, kept by the load of the tables for the quarters it wrote
    (``store.kept_totals``): the funnel plot compares every partnership's quarters, and summing
    ``csp_crime_count`` for them walks a tenth of the nation's table on the first request after
    each load. Keyed by quarter first: the funnel asks for a year's quarters."""

    __tablename__ = "csp_quarter_total"

    quarter: Mapped[str] = mapped_column(String(10), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    offence_group: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class HeldCategory(Base):
    """A category some count table holds rows of, per source and part, kept as the counts change
    (``store.kept_totals``): the map offers every crime category held and the Home Office tables'
    measures name their offences, and a DISTINCT over a count table reads every row held (millions
    with the nation held). ``major``/``minor``/``code``: a crime count's major and minor category,
    an ASB count's category (the rest blank), the Home Office tables' offence group, subgroup and
    code (part blank)."""

    __tablename__ = "held_category"

    source: Mapped[str] = mapped_column(String(48), primary_key=True)
    part: Mapped[str] = mapped_column(String(64), primary_key=True, server_default="")
    major: Mapped[str] = mapped_column(String(120), primary_key=True)
    minor: Mapped[str] = mapped_column(String(120), primary_key=True, server_default="")
    code: Mapped[str] = mapped_column(String(20), primary_key=True, server_default="")


# --- Ward generations (issue 19): which generation covers a borough-month -------------------


class WardGenerationChoice(Base):
    """The ward generation covering a borough-month held in two: the generation of the most
    recent load of it (written by that load: a re-load that changes no figure keeps their
    uploads, so uploads alone cannot say which load was last), or the analyst's pick
    (``cspdash wards use``, ``--keep-held-wards``) until a later load of the month."""

    __tablename__ = "ward_generation_choice"

    borough_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    boundary_vintage: Mapped[str] = mapped_column(String(32))
    picked: Mapped[bool] = mapped_column(Boolean, default=False)  # by the analyst, not a load
    chosen_by: Mapped[str] = mapped_column(String(100), default="cli")
    chosen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- Input changes (issue 27): what each upload or edit changed, for revisions -----------------


class InputChange(Base):
    """One change to an indicator's definition, target or commentary, and the upload or edit
    that made it: what a revision since publication is blamed on. Written only when a value
    actually changed (a re-load of the same row records nothing). ``source`` describes the
    cause in words, so it still reads right if the upload's record is deleted. No foreign key
    to the indicator: a retired indicator's history is kept."""

    __tablename__ = "input_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    by: Mapped[str] = mapped_column(String(100))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(500))  # "upload 12 (indicators): indicators.csv"
    entity: Mapped[str] = mapped_column(String(32))  # indicator | target | commentary
    indicator_code: Mapped[str] = mapped_column(String(32), index=True)
    key: Mapped[str] = mapped_column(String(300))  # "CSP3", "CSP1 2016-17 Q3 all areas"
    fields: Mapped[str] = mapped_column(String(300))  # changed fields, comma-separated
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"old": {...}, "new": {...}}


class IncompleteInSource(Base):
    """An area-month a file gave only as a stub (``rules.stub_months``) while nothing was held
    for it: no figure is stored, and the coverage record says ``incomplete in source file``
    until a later file gives the month in full. ``file_total`` and ``median_of_others`` are
    the file-wide numbers the rule compared."""

    __tablename__ = "incomplete_in_source"

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    upload_id: Mapped[int | None] = mapped_column(Integer)
    file_total: Mapped[int] = mapped_column(Integer)
    median_of_others: Mapped[float] = mapped_column(Float)


class PoliceUkForceMonth(Base):
    """One police force's month in the police.uk loads: whether the download held its street
    file, the crime and ASB records it gave, and the records with no location or no LSOA code.
    No file, or no ASB rows, is a gap in coverage for the force's wards (``store.policeuk_months``)."""

    __tablename__ = "policeuk_force_month"

    force: Mapped[str] = mapped_column(String(54), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    has_file: Mapped[bool] = mapped_column(Boolean)
    crime_records: Mapped[int] = mapped_column(Integer)
    asb_records: Mapped[int] = mapped_column(Integer)
    no_location: Mapped[int] = mapped_column(Integer)
    no_lsoa: Mapped[int] = mapped_column(Integer)
    upload_id: Mapped[int | None] = mapped_column(Integer)


class PackSection(Base):
    """The committee pack's words for one area and quarter that are not figures (issue 20
    part 3): contact details overriding the settings, implications and risks, background
    papers. An empty field takes the setting or the default wording (``reporting.pack_text``)."""

    __tablename__ = "pack_section"

    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    author_name: Mapped[str] = mapped_column(Text, default="")
    author_role: Mapped[str] = mapped_column(Text, default="")
    author_email: Mapped[str] = mapped_column(Text, default="")
    author_phone: Mapped[str] = mapped_column(Text, default="")
    lead_officer: Mapped[str] = mapped_column(Text, default="")
    financial: Mapped[str] = mapped_column(Text, default="")
    legal: Mapped[str] = mapped_column(Text, default="")
    human_resources: Mapped[str] = mapped_column(Text, default="")
    equalities: Mapped[str] = mapped_column(Text, default="")
    background_papers: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- Notifications (#22 part 3): subscriptions, recorded events, deliveries ----------------
# --- The area tree's counter (#23 part 3): counts every write to the tables it is built from -
import store.area_changes  # noqa: E402 - registers its flush and statement listeners
import store.notification_models  # noqa: E402 - registers its tables on Base.metadata

# --- Partnerships (#23 part 1): fills in the partnership of rows stored without one ----------
import store.partnerships  # noqa: E402,F401 - registers its flush listener
