"""A quarter's life, as rules: draft → submitted (an analyst) → published (a lead or an admin),
and re-opened with a reason. Who may do what, what state the quarter must be in, and what a
quarter needs before it can be published (a corrective action for every Red, a complete
figure for every rated indicator; publishing anyway needs a reason, which is kept).

Pure: ``store.publishing`` reads the quarter's state, calls these checks and writes the change,
so the CLI and the web get the same refusals. Every refusal is a ``PublishingError`` subclass
that carries what went wrong as data; its text is a plain sentence that names no command or
flag: the CLI adds its flags (``cli.common.publishing_message``), the pages their controls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from reporting.headlines import day_label, status_headline, version_headline
from reporting.scoring import RED_WITHOUT_ACTION, Scorecard
from rules.periods import Quarter
from rules.rating import Rating

STATES = ("draft", "submitted", "published")
SUBMIT_ROLE = "analyst"
PUBLISH_ROLE = "lead"
PACK_FORMATS = ("docx", "pdf", "html")
PACK_MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
# Flags that mean a figure is not whole (words other modules may use for partial coverage).
_INCOMPLETE_WORDS = ("incomplete", "partial", "missing month")
_WHO = {SUBMIT_ROLE: "an analyst", PUBLISH_ROLE: "a lead or an admin"}


class Actor(Protocol):
    """Who is acting (``store.users.Principal``): a name, a role, and what the role allows.
    Read-only, so a frozen record (``Principal`` is one) fits."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...

    def can(self, role: str) -> bool: ...


# --- Refusals ----------------------------------------------------------------------------------


class PublishingError(Exception):
    """A submit, publish or re-open that cannot be done, with a message fit to show as it is."""


class NotAllowed(PublishingError):
    """The user's role does not allow this: ``needed`` is the least role that does."""

    def __init__(self, user: str, role: str, action: str, needed: str) -> None:
        self.user, self.role, self.action, self.needed = user, role, action, needed
        super().__init__(f"{user} ({role}) may not {action}: only {_WHO[needed]} may.")


class AlreadySubmitted(PublishingError):
    def __init__(self, period: Quarter, area: str, at: datetime | None, by: str | None) -> None:
        self.period, self.area, self.at, self.by = period, area, at, by
        super().__init__(f"{period.label} for {area} was already submitted on {day_label(at)} by {by}.")


class AlreadyPublished(PublishingError):
    """Submitting or publishing a published quarter: it must be re-opened first. ``latest``:
    the latest version's headline."""

    def __init__(self, period: Quarter, area: str, latest: str, action: str) -> None:
        self.period, self.area, self.latest, self.action = period, area, latest, action
        if action == "submit":
            text = f"{period.label} for {area} is published ({latest}); re-open it with a reason first."
        else:
            text = (
                f"{period.label} for {area} is already published ({latest}). "
                "To publish a correction, re-open it with a reason; the correction becomes the next version."
            )
        super().__init__(text)


class NothingToReopen(PublishingError):
    def __init__(self, period: Quarter, area: str) -> None:
        self.period, self.area = period, area
        super().__init__(f"{period.label} for {area} is a draft already: there is nothing to re-open.")


class ReasonNeeded(PublishingError):
    """A reason is required and none was given; the subclass says for what."""


class ReopenNeedsReason(ReasonNeeded):
    def __init__(self) -> None:
        super().__init__("Say why the quarter is being re-opened (a reason is required).")


class ForceNeedsReason(ReasonNeeded):
    """Publishing in spite of what is missing needs a reason."""

    def __init__(self) -> None:
        super().__init__("Publishing anyway needs a reason, which is recorded.")


class CorrectionNeedsReason(ReasonNeeded):
    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__(f"Version {version} would be a correction: give the reason for it.")


class NotReady(PublishingError):
    """The quarter lacks what publishing needs; ``missing`` lists each item. Publishing anyway
    (with a reason) is possible: how to ask for it is the caller's to say."""

    def __init__(self, period: Quarter, area: str, missing: list[str]) -> None:
        self.period, self.area, self.missing = period, area, missing
        super().__init__(f"{self.heading}\n" + "\n".join(f"  - {item}" for item in missing))

    @property
    def heading(self) -> str:
        return f"{self.period.label} for {self.area} cannot be published yet:"


class FiguresChanged(PublishingError):
    def __init__(self) -> None:
        super().__init__("The figures changed while the pack was being made; publish again to include the change.")


class PublishedMeanwhile(PublishingError):
    """Someone else published the same quarter between this publish's checks and its storing
    (the store refused a second row with the same version number)."""

    def __init__(self, period: Quarter, area: str) -> None:
        self.period, self.area = period, area
        super().__init__(f"{period.label} for {area} was published by someone else just now; see its versions.")


class DamagedDocument(PublishingError):
    """A stored document (or, with ``fmt``, a pack file) whose SHA-256 no longer matches:
    refuse to show it as published."""

    def __init__(self, period: str, area: str, version: int, fmt: str | None = None) -> None:
        self.period, self.area, self.version, self.fmt = period, area, version, fmt
        if fmt is None:
            text = f"The stored document of {period} {area} version {version} does not match its SHA-256; it has been altered outside cspdash."
        else:
            text = f"The stored {fmt} of {period} {area} version {version} does not match its SHA-256."
        super().__init__(text)


# --- What the pages and commands read ----------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    format: str  # docx | pdf | html
    file_name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class VersionInfo:
    """One published version: who signed it off, when and why, and its pack files."""

    period: str
    area_code: str
    version: int
    published_by: str
    published_at: datetime
    note: str
    correction_reason: str
    forced: bool
    force_reason: str
    document_sha256: str
    files: list[FileInfo] = field(default_factory=list)

    @property
    def headline(self) -> str:
        """``Version 1, published on 17 January 2017 by lee``."""
        return version_headline(self.version, self.published_at, self.published_by)

    def file(self, fmt: str) -> FileInfo | None:
        return next((f for f in self.files if f.format == fmt), None)


@dataclass(frozen=True)
class QuarterStatus:
    """Where a quarter's report stands, and every version published so far (oldest first)."""

    period: str
    area_code: str
    state: str  # draft | submitted | published
    changed_by: str | None  # None: never submitted or published
    changed_at: datetime | None
    note: str
    versions: list[VersionInfo]

    @property
    def latest(self) -> VersionInfo | None:
        return self.versions[-1] if self.versions else None

    @property
    def is_published(self) -> bool:
        return self.state == "published"

    @property
    def reopened(self) -> bool:
        return self.state != "published" and bool(self.versions)

    @property
    def next_version(self) -> int:
        return (self.latest.version if self.latest else 0) + 1

    @property
    def headline(self) -> str:
        """One sentence for a banner or the CLI."""
        latest = self.latest.headline if self.latest else None
        return status_headline(self.state, self.changed_at, self.changed_by, self.note, reopened=self.reopened, latest=latest)


def quarter_key(period: Quarter, area: str) -> str:
    """How the change log names a quarter's report."""
    return f"{period.key} {area}"


def pack_file_name(stem: str, version: int, fmt: str) -> str:
    return f"{stem}-v{version}.{fmt}"


# --- What stops a quarter being published ----------------------------------------------------


def readiness(card: Scorecard) -> list[str]:
    """Each thing that must be put right before ``card`` may be published (empty: ready)."""
    missing = []
    for row in card.rows:
        if not row.rated:
            continue
        label = f"{row.code} {row.name}"
        if row.rag is Rating.RED and not (row.corrective_action or "").strip():
            missing.append(f"{label}: Red without corrective action")
        if row.actual is None:
            basis = "year to date" if row.basis == "ytd" else "quarter"
            missing.append(f"{label}: no complete {basis} figure for {card.period.label} (a month or quarter of data is missing)")
        else:
            for flag in row.flags:
                if flag != RED_WITHOUT_ACTION and any(word in flag.lower() for word in _INCOMPLETE_WORDS):
                    missing.append(f"{label}: {flag}")
    return missing


# --- The state machine -------------------------------------------------------------------------


def require(by: Actor, role: str, action: str) -> None:
    if not by.can(role):
        raise NotAllowed(by.name, by.role, action, role)


def check_submit(status: QuarterStatus, period: Quarter, by: Actor) -> None:
    """draft → submitted, by an analyst (or anyone above)."""
    require(by, SUBMIT_ROLE, "submit a quarter")
    if status.state == "submitted":
        raise AlreadySubmitted(period, status.area_code, status.changed_at, status.changed_by)
    if status.state == "published":
        raise AlreadyPublished(period, status.area_code, status.latest.headline if status.latest else "", "submit")


def check_reopen(status: QuarterStatus, period: Quarter, by: Actor, reason: str) -> str:
    """submitted or published → draft, with a reason (returned stripped). A published quarter
    keeps its versions, and only a lead or an admin may re-open it."""
    if status.state == "draft":
        raise NothingToReopen(period, status.area_code)
    require(by, PUBLISH_ROLE if status.state == "published" else SUBMIT_ROLE, "re-open this quarter")
    reason = (reason or "").strip()
    if not reason:
        raise ReopenNeedsReason()
    return reason


def check_may_publish(status: QuarterStatus, period: Quarter, by: Actor, *, force: bool, reason: str) -> None:
    """draft or submitted → published, by a lead or an admin: who and from which state (checked
    before the readiness rules, which need the scorecard)."""
    require(by, PUBLISH_ROLE, "publish a quarter")
    if status.state == "published":
        raise AlreadyPublished(period, status.area_code, status.latest.headline if status.latest else "", "publish")
    if force and not (reason or "").strip():
        raise ForceNeedsReason()


def check_ready(period: Quarter, area: str, missing: list[str], *, force: bool) -> None:
    """Refuse while anything is ``missing``, unless publishing anyway (``force``)."""
    if missing and not force:
        raise NotReady(period, area, missing)


def needs_correction_reason(status: QuarterStatus, reason: str) -> bool:
    """From version 2 on a reason is recorded for the correction (the caller falls back to the
    re-open reason when none is given here)."""
    return bool(status.versions) and not (reason or "").strip()


def check_correction_reason(status: QuarterStatus, reason: str, reopen_reason: str) -> None:
    if status.versions and not ((reason or "").strip() or reopen_reason):
        raise CorrectionNeedsReason(len(status.versions) + 1)
