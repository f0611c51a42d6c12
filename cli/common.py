"""Shared options and the way errors reach the terminal."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from loaders.errors import LoadError
from loaders.options import LoadProgress
from rules.summary import RagSummary, summary_sentence
from settings import Settings
from store.db import DatabaseUnavailable, Engine, configure_timeouts, get_engine
from store.partnerships import chosen_partnership
from store.schema import is_current


class AppContext:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Give up on a silent database after the connect timeout; no statement timeout in
        # the CLI, so a long load or migration is never cut off (``cspdash serve`` sets both).
        configure_timeouts(settings.db_connect_timeout, 0)

    def engine(self, *, require_schema: bool = True) -> Engine:
        engine = get_engine(self.settings.database_url)
        try:
            current = is_current(engine) if require_schema else True
        except DatabaseUnavailable as exc:  # one line, not a traceback (e.g. `cspdash serve`)
            raise click.ClickException(unreachable_text(engine, exc)) from None
        if not current:
            raise click.ClickException("The database schema is missing or out of date: run `cspdash init-db` first.")
        return engine


def unreachable_text(engine: Engine, exc: DatabaseUnavailable) -> str:
    """ "Cannot reach the database at postgresql+psycopg://…@db:5432/cspdash: connection timeout expired"."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    where = engine.url.render_as_string(hide_password=True)
    return f"Cannot reach the database at {where}: {reason[0] if reason else 'no answer'}. Check DATABASE_URL and that the database is running."


pass_app = click.make_pass_decorator(AppContext)


def area_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--area`` and ``--partnership``: a partnership reports on the area it covers, so without
    ``--area`` the command works on the partnership's area; its indicators, targets and
    commentary are the partnership's (``store.partnerships.partnership_of``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, partnership: str | None = None, **kwargs: Any) -> Any:
        chosen = partnership_area(partnership)  # checked first: several held and none chosen is an error
        if kwargs.get("area") is None:
            kwargs["area"] = chosen
        # The store reads the chosen partnership where the area asked for (a ward) is not one.
        with chosen_partnership(partnership and chosen):
            return func(*args, **kwargs)

    with_area = click.option(
        "--area", "area", default=None, metavar="CODE", help="GSS area code (default: the partnership's area)."
    )
    return with_area(partnership_option(wrapper))


def shared_area_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--area`` on commands showing shared data (counts), which belongs to no partnership."""
    return click.option("--area", "area", default=None, metavar="CODE", help="GSS area code (default: CSPDASH_HOME_AREA).")(func)


def partnership_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--partnership",
        "partnership",
        default=None,
        metavar="CODE",
        help="The partnership to work on (default: CSPDASH_PARTNERSHIP, else the only one held).",
    )(func)


def partnership_area(requested: str | None) -> str:
    """The partnership in force for this command, checked against those held: with several held
    and none chosen, an error listing them (exit 1)."""
    from store.db import session_scope
    from store.partnerships import PartnershipError, partnership_in_force

    app = click.get_current_context().find_object(AppContext)
    assert app is not None  # every command runs under the cspdash group
    try:
        with session_scope(app.engine()) as session:
            return partnership_in_force(session, requested)
    except PartnershipError as error:
        hint = "; choose one with --partnership CODE or CSPDASH_PARTNERSHIP" if not requested else ""
        raise click.ClickException(f"{error}{hint}.") from None


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help="Output format."
    )


def explain_load_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a LoadError into the problem table on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LoadError as error:
            click.echo(error.headline(), err=True)
            click.echo(error.table(), err=True)
            hint = _cli_hint(error)
            if hint:
                click.echo(hint, err=True)
            raise SystemExit(1) from None

    return wrapper


def _cli_hint(error: Exception) -> str:
    """What to do about ``error`` in this CLI's terms: the loaders and the publishing workflow
    say what is wrong, never which flag to give or command to run (the pages offer their own
    controls). One line per kind of problem the table shows."""
    from loaders.indicators import MISSING_REASON
    from loaders.month_checks import DropsNotConfirmed
    from reporting.workflow import NotReady

    if isinstance(error, DropsNotConfirmed):
        return "To load it anyway, run the same command with --accept-drops."
    if isinstance(error, NotReady):
        return "Put these right, or publish with --force and a --reason that will be recorded."
    if not isinstance(error, LoadError):
        return ""
    hints = [hint for marker, hint in [(MISSING_REASON, "Give --retire-missing or --keep-missing to say which."), *_problem_hints()]
             if any(marker in p.reason for p in error.problems)]  # fmt: skip
    return "\n".join(dict.fromkeys(hints))


def _problem_hints() -> list[tuple[str, str]]:
    """(words in a problem's reason, the command or option that puts it right)."""
    from geo.boundaries import NO_VINTAGE, WRONG_CODE_FIELD
    from geo.fields import FIELDS_SHOWN
    from geo.placement import NO_WARD_BOUNDARIES
    from geo.vector import LOOKS_LIKE_METRES, NO_CRS
    from loaders.errors import UNKNOWN_AREA, UNKNOWN_INDICATOR

    crs = "Give the coordinate system with --crs, e.g. --crs EPSG:27700 for British National Grid."
    return [
        (UNKNOWN_AREA, "Declare areas first with `cspdash ingest areas FILE`."),
        (UNKNOWN_INDICATOR, "Load indicators first with `cspdash ingest indicators FILE`."),
        (NO_VINTAGE, "Give the year with --vintage, e.g. --vintage 2022."),
        (WRONG_CODE_FIELD, "Name the field holding the codes with --code-field."),
        (FIELDS_SHOWN, "Name the fields with --code-field (and --name-field)."),
        (NO_CRS, crs),
        (LOOKS_LIKE_METRES, crs),
        (NO_WARD_BOUNDARIES, "Load ward boundaries with `cspdash ingest boundaries FILE`."),
    ]


def error_text(error: Exception) -> str:
    """A library error's message as this CLI shows it: what is wrong, as the error says it,
    then which command or option puts it right, for the errors that have one."""
    from exports import MapExportedApart, NoIndicatorsDefined, NothingLoaded
    from store.spc_series import NoMonthlyValues, SpcUnknownIndicator
    from store.users import NoSuchUser

    text = str(error.args[0] if error.args else error)
    if isinstance(error, MapExportedApart):
        return "The ward map is exported on its own: use `cspdash export map`."
    hints: list[tuple[type[Exception], str]] = [
        (NothingLoaded, " (Or run `cspdash demo` for the demo data.)"),
        (NoIndicatorsDefined, " Load them with `cspdash ingest indicators FILE`."),
        (NoMonthlyValues, "; use --by quarter"),
        (SpcUnknownIndicator, " with `cspdash ingest indicators`"),
        (NoSuchUser, "; see `cspdash users list`"),
    ]
    return text + "".join(hint for kind, hint in hints if isinstance(error, kind))


def publishing_message(error: Exception) -> str:
    """A refusal from the publishing workflow (or the pack) as the CLI words it: the message,
    then what to do about it with this CLI's flags."""
    from reporting.workflow import ForceNeedsReason

    if isinstance(error, ForceNeedsReason):
        return "Publishing with --force needs a reason, which is recorded."
    text = error_text(error)
    hint = _cli_hint(error)
    return f"{text}\n{hint}" if hint else text


def summary_json(summary: RagSummary) -> dict[str, Any]:
    """The RAG summary as `score` and `published` give it in JSON: one sentence overall and one per goal."""
    return {
        "sentence": summary_sentence(summary.overall),
        "by_goal": {g: summary_sentence(c) for g, c in summary.by_goal.items()},
    }


def echo_summary(summary: RagSummary) -> None:
    """The RAG summary block `score` and `published` print under their tables."""
    click.echo("\nRAG summary")
    click.echo(f"  Overall: {summary_sentence(summary.overall)}")
    for goal, counts in summary.by_goal.items():
        click.echo(f"  {goal}: {summary_sentence(counts)}")


def terminal_progress() -> LoadProgress | None:
    """Progress lines for a long load, only for someone watching: not when stderr is a file or a
    pipe (a scheduled load's log keeps only its summary)."""
    if not sys.stderr.isatty():
        return None
    return LoadProgress(lambda message: click.echo(f"  {message}", err=True))
