"""Shared options and the way errors reach the terminal."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from loaders.errors import LoadError
from rules.summary import RagSummary, summary_sentence
from settings import Settings
from store.db import configure_timeouts, get_engine
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
        except OperationalError as exc:  # one line, not a traceback (e.g. `cspdash serve`)
            raise click.ClickException(unreachable_text(engine, exc)) from None
        if not current:
            raise click.ClickException("The database schema is missing or out of date: run `cspdash init-db` first.")
        return engine


def unreachable_text(engine: Engine, exc: OperationalError) -> str:
    """"Cannot reach the database at postgresql+psycopg://…@db:5432/cspdash: connection timeout expired"."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    where = engine.url.render_as_string(hide_password=True)
    return f"Cannot reach the database at {where}: {reason[0] if reason else 'no answer'}. Check DATABASE_URL and that the database is running."


pass_app = click.make_pass_decorator(AppContext)


def area_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--area", "area", default=None, metavar="CODE", help="GSS area code (default: CSPDASH_HOME_AREA)."
    )(func)


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help="Output format.")


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
    say what is wrong, never which flag to give (the pages offer their own controls)."""
    from loaders.indicators import MISSING_REASON
    from loaders.month_checks import DropsNotConfirmed
    from reporting.workflow import NotReady

    if isinstance(error, DropsNotConfirmed):
        return "To load it anyway, run the same command with --accept-drops."
    if isinstance(error, LoadError) and any(MISSING_REASON in p.reason for p in error.problems):
        return "Give --retire-missing or --keep-missing to say which."
    if isinstance(error, NotReady):
        return "Put these right, or publish with --force and a --reason that will be recorded."
    return ""


def publishing_message(error: Exception) -> str:
    """A refusal from the publishing workflow (or the pack) as the CLI words it: the message,
    then what to do about it with this CLI's flags."""
    from reporting.workflow import ForceNeedsReason

    if isinstance(error, ForceNeedsReason):
        return "Publishing with --force needs a reason, which is recorded."
    text = str(error.args[0] if error.args else error)
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
