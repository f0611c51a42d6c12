"""Options for the definition loaders, travelling with the file (``geo.options.with_options``)
so the CLI and the upload page share one path and ``load_file`` keeps its signature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# What to do with indicators held but not in a re-loaded definitions file.
KEEP, RETIRE, ASK = "keep", "retire", "ask"


@dataclass(frozen=True)
class LoadOptions:
    # keep: keep them (the summary names them); retire: retire them (history and published
    # versions are kept); ask: refuse the load, naming them, until the analyst chooses.
    missing_indicators: str = KEEP


@dataclass(frozen=True)
class LoadProgress:
    """Where a long load says how far it has got ("sheet 2024_25: 400,000 rows read"): the CLI
    writes it to stderr when that is a terminal. ``report`` None: nobody is told."""

    report: Callable[[str], None] | None = None
    every: int = 100_000  # rows between reports within a sheet

    def tell(self, message: str) -> None:
        if self.report is not None:
            self.report(message)


def progress_of(source: object) -> LoadProgress:
    """The progress reporter the CLI or the upload page attached to the file, if any
    (``geo.options.with_options``); otherwise one that tells nobody."""
    options = getattr(source, "options", None)
    if isinstance(options, LoadProgress):
        return options
    within = getattr(options, "progress", None)  # a loader's own options may carry it (police.uk)
    return within if isinstance(within, LoadProgress) else LoadProgress()
