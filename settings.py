"""The one place that reads the environment.

Everything configurable comes from environment variables (see README and .env.example);
other modules receive a ``Settings`` object instead of reading ``os.environ`` themselves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_DATABASE_PATH = DEFAULT_DATA_DIR / "cspdash.db"
DEMO_DIR = REPO_ROOT / "data" / "demo"
LONDON = "E12000007"
ENGLAND = "E92000001"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _number(value: str | None, default: int) -> int:
    """A positive whole number from the environment; a bad value is an error naming it."""
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip().replace("_", "").replace(",", ""))
    except ValueError:
        raise ValueError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise ValueError(f"expected a whole number of at least 0, got {value!r}")
    return number


def _share(value: str | None, default: float) -> float:
    """A share from 0 to 1 from the environment; a bad value is an error naming it."""
    if value is None or value.strip() == "":
        return default
    try:
        share = float(value.strip())
    except ValueError:
        raise ValueError(f"expected a share between 0 and 1 such as 0.2, got {value!r}") from None
    if not 0 <= share <= 1:
        raise ValueError(f"expected a share between 0 and 1 such as 0.2, got {value!r}")
    return share


@dataclass(frozen=True)
class Settings:
    database_url: str
    home_area: str
    public_read: bool
    secret_key: str | None
    sso_header: str | None
    committee_name: str
    report_author: str
    secure_cookies: bool = False
    # Origins (scheme://host[:port]) whose pages may frame /embed/… views; none by default.
    embed_origins: tuple[str, ...] = ()
    # Shared cache: Redis when set, else a filesystem cache in the data folder.
    redis_url: str | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    # Packs, chart images and spreadsheets made at once across all workers; more wait their turn.
    export_concurrency: int = 2
    # The partnership commands and pages work on when several are held (issue 23); None: the only one.
    partnership: str | None = None
    # How many reverse proxies (e.g. nginx) stand in front and set X-Forwarded-For/-Proto.
    proxy_count: int = 0
    max_file_mb: int = 500  # issue 9: caps on a loaded file (see loaders.reading.LoadLimits)
    max_unpacked_mb: int = 2048  # a spreadsheet's XML once unpacked (loaders.workbook)
    max_columns: int = 2_000
    max_field_chars: int = 10_000
    max_problems: int = 1_000
    load_wait_seconds: float = 60.0  # a load waits this long for another to finish
    # Where two crime sources cover a borough-month, which one counts: "met" (the Met's
    # recorded-crime files) or "police.uk" (street-level records). See store.count_sources.
    primary_source: str = "met"
    # A database that accepts connections but never answers must not hang every request:
    # give up connecting after this many seconds, and cancel a statement running longer
    # (PostgreSQL; 0 turns either off). SQLite has no socket and keeps its 30 s busy wait.
    db_connect_timeout: int = 3
    db_statement_timeout: int = 30
    # A month of a wide Met file whose file-wide total is under this share of the median of
    # its other months is incomplete in the source (issue 19): held figures are kept.
    stub_month_share: float = 0.2
    # Readers (anyone who is not an analyst, lead or admin) see published quarters only,
    # unless this is set: then they also see drafts, each marked "Draft — not yet published".
    show_drafts: bool = False
    # The report author's contact details and the lead officer, in the pack's title block
    # (issue 20 part 3); each can be overridden for one quarter on the Targets page.
    report_author_role: str = ""
    report_author_email: str = ""
    report_author_phone: str = ""
    lead_officer: str = ""
    # The contact in the "Data up to …; last updated …; contact …" line (default: the author's email).
    contact: str = ""

    # Email (#22): the mail server (smtp://user:password@host:587?starttls=true), the sender's
    # address, and the site's public address that links in messages start with.
    smtp_url: str | None = None
    mail_from: str | None = None
    base_url: str | None = None

    @property
    def mail_ready(self) -> bool:
        """Whether email can be sent: a mail server and a sender are both set."""
        return bool(self.smtp_url and self.mail_from)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_PATH}",
            home_area=env.get("CSPDASH_HOME_AREA") or "E09000016",
            partnership=(env.get("CSPDASH_PARTNERSHIP") or "").strip() or None,
            public_read=_flag(env.get("CSPDASH_PUBLIC_READ"), True),
            secret_key=env.get("CSPDASH_SECRET_KEY") or None,
            sso_header=env.get("CSPDASH_SSO_HEADER") or None,
            committee_name=env.get("CSPDASH_COMMITTEE") or "Crime & Disorder Overview & Scrutiny Sub-Committee",
            report_author=env.get("CSPDASH_REPORT_AUTHOR") or "Community Safety Partnership Analyst",
            secure_cookies=_flag(env.get("CSPDASH_SECURE_COOKIES"), False),
            embed_origins=tuple(o for o in (env.get("CSPDASH_EMBED_ORIGINS") or "").replace(",", " ").split() if o),
            redis_url=env.get("REDIS_URL") or None,
            data_dir=Path(env.get("CSPDASH_DATA_DIR") or DEFAULT_DATA_DIR),
            export_concurrency=max(1, int(env.get("CSPDASH_EXPORT_CONCURRENCY") or 2)),
            proxy_count=max(0, int(env.get("CSPDASH_PROXY_COUNT") or 0)),
            max_file_mb=_number(env.get("CSPDASH_MAX_FILE_MB"), 500),
            max_unpacked_mb=_number(env.get("CSPDASH_MAX_UNPACKED_MB"), 2048),
            max_columns=_number(env.get("CSPDASH_MAX_COLUMNS"), 2_000),
            max_field_chars=_number(env.get("CSPDASH_MAX_FIELD_CHARS"), 10_000),
            max_problems=_number(env.get("CSPDASH_MAX_PROBLEMS"), 1_000),
            load_wait_seconds=float(_number(env.get("CSPDASH_LOAD_WAIT_SECONDS"), 60)),
            primary_source=_primary_source(env.get("CSPDASH_PRIMARY_SOURCE")),
            db_connect_timeout=_number(env.get("CSPDASH_DB_CONNECT_TIMEOUT"), 3),
            db_statement_timeout=_number(env.get("CSPDASH_DB_STATEMENT_TIMEOUT"), 30),
            stub_month_share=_share(env.get("CSPDASH_STUB_MONTH_SHARE"), 0.2),
            show_drafts=_flag(env.get("CSPDASH_SHOW_DRAFTS"), False),
            smtp_url=(env.get("CSPDASH_SMTP_URL") or "").strip() or None,
            mail_from=(env.get("CSPDASH_MAIL_FROM") or "").strip() or None,
            base_url=(env.get("CSPDASH_BASE_URL") or "").strip().rstrip("/") or None,
            report_author_role=(env.get("CSPDASH_REPORT_AUTHOR_ROLE") or "").strip(),
            report_author_email=(env.get("CSPDASH_REPORT_AUTHOR_EMAIL") or "").strip(),
            report_author_phone=(env.get("CSPDASH_REPORT_AUTHOR_PHONE") or "").strip(),
            lead_officer=(env.get("CSPDASH_LEAD_OFFICER") or "").strip(),
            contact=(env.get("CSPDASH_CONTACT") or "").strip(),
        )


def _primary_source(value: str | None) -> str:
    value = (value or "met").strip().lower()
    if value not in {"met", "police.uk"}:
        raise ValueError(f"CSPDASH_PRIMARY_SOURCE={value!r}: choose 'met' (the Met's recorded-crime files) or 'police.uk'")
    return value


def get_settings() -> Settings:
    return Settings.from_env()
