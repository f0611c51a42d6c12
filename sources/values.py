"""Indicator values: any indicator's figures by area and period, uploaded as they are."""

from sources.declarations import UPLOADED, WHOLE, FigureSource, FileKind

SOURCE = FigureSource(
    key="values",
    position=40,
    name="Partner returns",
    grain="month",  # monthly or quarterly, as uploaded
    coverage=UPLOADED,
    measure_form=WHOLE,
    chart_source="partner returns",
    figures="the measure",
    missing_words=("no values loaded", "no value"),
)

FILES = FileKind(
    key="values",
    position=40,
    loader=("loaders.values", "load_values"),
    name="Indicator figures",
    description="Any indicator's figures by area and period",
    columns="Indicator values: indicator_code, area_code, period, value, and optionally numerator, denominator.",
    changes_coverage=("values",),
)

DECLARED = (SOURCE, FILES)
