"""What a source of figures and a kind of file are, as plain declarations.

A ``FigureSource`` is where an indicator's figures come from (``crime``, ``asb``, ``marac``,
``values``): its grain, the store's table for it, how its coverage is worked out and the words
used for it. A ``FileKind`` is a kind of file the CLI and the upload page load: its loader, the
sources a load of it changes and the help shown for it.

Declarations name their tables and callables (``"CrimeCount"``, ``("loaders.crime",
"load_crime")``) rather than import them, so this package imports nothing but the standard
library and every layer can read it; the store and the loaders resolve the names.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a source's coverage record is worked out (``store.coverage_record``):
COUNTS = "counts"  # monthly counts per area, summed from child areas (n of N reporting)
RETURNS = "returns"  # quarterly returns per area (MARAC), a missing return a gap in its year
UPLOADED = "uploaded values"  # an indicator's own uploaded figures, one record per indicator
# quarterly counts per partnership (the Home Office CSP tables), summed up to forces and England
# and Wales; a quarter is complete when every partnership it needs is held (``store.csp_crime``)
PARTNERSHIP_QUARTERS = "partnership quarters"

# How a measure on the source names what it counts (``store.measures.Measure.parse``):
CATEGORIES = "categories"  # ``crime:MAJOR/MINOR``
FIELD = "field"  # ``marac:cases_discussed``
WHOLE = "whole"  # the indicator's uploaded values
OFFENCES = "offences"  # ``csp-crime:GROUP/SUBGROUP``, ``csp-crime:code=8N``, ``…;except=…`` (``rules.csp_tables``)


@dataclass(frozen=True)
class FigureSource:
    """One source of indicator figures."""

    key: str  # as stored: measures (``crime:…``), the coverage record, annotations
    position: int  # where it is listed (annotation sources, readiness)
    name: str  # in the readiness list: "Recorded crime"
    grain: str  # "month" or "quarter"
    coverage: str  # COUNTS, RETURNS, UPLOADED or PARTNERSHIP_QUARTERS
    measure_form: str  # CATEGORIES, FIELD, WHOLE or OFFENCES
    chart_source: str  # a chart's "Source:" line
    figures: str  # what an uploaded value overrides, in an override's note: "counts"
    # Count tables (names in ``store.models``) and their set-aside twins; None without counts.
    count_model: str | None = None
    set_aside_model: str | None = None
    categories: tuple[str, ...] = ()  # the count table's category columns
    unit_plural: str = "figures"  # "offences": in the set-aside sentences of the upload check
    unit_heading: str = "Value"  # a map table's heading: "Offences"
    map_label: str = ""  # a map measure's label: "All crime"; "" when not mapped as a count
    map_categories: bool = False  # the map offers each major and minor category (``crime:MAJOR/MINOR``)
    # Where the same counts can come from (``store.count_sources``): origin -> what it is
    # called, primary first by default (``CSPDASH_PRIMARY_SOURCE``).
    origins: tuple[tuple[str, str], ...] = ()
    missing_words: tuple[str, str] = ("no values loaded", "no value")  # readiness: none at all / none after

    @property
    def monthly(self) -> bool:
        return self.grain == "month"

    @property
    def counted(self) -> bool:
        """Held as counts by area and month in a count table of its own."""
        return self.count_model is not None

    def origin_name(self, origin: str) -> str:
        return dict(self.origins)[origin]


@dataclass(frozen=True)
class FileKind:
    """One kind of file the CLI (``cspdash ingest KIND``) and the upload page load."""

    key: str  # the CLI's KIND and the upload's ``kind``
    position: int  # where it is listed: the CLI's choices and help, the upload page's choice
    loader: tuple[str, str]  # (module, function) taking a LoadContext; imported only when used
    name: str  # the upload page's plain name: "Recorded crime"
    description: str  # the upload page's one line on where such files come from
    columns: str  # the upload page's help on the file's columns
    cli_words: str = ""  # how the CLI's help names it, when not by its key alone
    rows: bool = True  # read as CSV rows: a header and no rows is refused, not loaded as nothing
    # Sources whose coverage record a load of it can change.
    changes_coverage: tuple[str, ...] = ()
    # Count tables (their sources) a load writes: one source per borough-month is settled after it.
    writes_counts: tuple[str, ...] = ()
    asks_missing: bool = False  # the load asks what to do with what is held but not in the file

    @property
    def cli_name(self) -> str:
        return self.cli_words or self.key
