"""MARAC returns: cases discussed and repeat cases per area and quarter."""

from sources.declarations import FIELD, RETURNS, FigureSource, FileKind

SOURCE = FigureSource(
    key="marac",
    position=30,
    name="MARAC",
    grain="quarter",
    coverage=RETURNS,
    measure_form=FIELD,
    chart_source="MARAC returns",
    figures="MARAC returns",
    unit_heading="Cases",
    missing_words=("no return loaded", "no return"),
)

FILES = FileKind(
    key="marac",
    position=30,
    loader=("loaders.marac", "load_marac"),
    name="MARAC returns",
    description="Quarterly MARAC cases discussed and repeat cases",
    columns="MARAC returns: area_code, quarter, cases_discussed, repeat_cases, and any further columns.",
    changes_coverage=("marac",),
)

DECLARED = (SOURCE, FILES)
