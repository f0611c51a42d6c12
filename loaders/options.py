"""Options for the definition loaders, travelling with the file (``geo.options.with_options``)
so the CLI and the upload page share one path and ``load_file`` keeps its signature."""

from __future__ import annotations

from dataclasses import dataclass

# What to do with indicators held but not in a re-loaded definitions file.
KEEP, RETIRE, ASK = "keep", "retire", "ask"


@dataclass(frozen=True)
class LoadOptions:
    # keep: keep them (the summary names them); retire: retire them (history and published
    # versions are kept); ask: refuse the load, naming them, until the analyst chooses.
    missing_indicators: str = KEEP
