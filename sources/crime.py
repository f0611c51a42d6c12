"""Recorded crime: counts by area, month and category (the Met's ward and borough files, our
own long layout, or police.uk street-level records placed in wards)."""

from sources.declarations import CATEGORIES, COUNTS, FigureSource, FileKind

SOURCE = FigureSource(
    key="crime",
    position=10,
    name="Recorded crime",
    grain="month",
    coverage=COUNTS,
    measure_form=CATEGORIES,
    chart_source="Metropolitan Police Service",
    figures="counts",
    count_model="CrimeCount",
    set_aside_model="CrimeCountSetAside",
    categories=("major_category", "minor_category"),
    unit_plural="offences",
    unit_heading="Offences",
    map_label="All crime",
    map_categories=True,
    origins=(("met", "the Met's recorded-crime files"), ("police.uk", "police.uk street-level records")),
    missing_words=("no figures loaded", "no figures"),
)

FILES = FileKind(
    key="crime",
    position=10,
    loader=("loaders.crime", "load_crime"),
    name="Recorded crime",
    description="Met ward or borough crime file (London Datastore), or our own crime layout",
    columns="Recorded crime: the Met's ward or borough file (one column per month), or "
    "area_code, month, major_category, minor_category, count.",
    changes_coverage=("crime",),
    writes_counts=("crime",),
)

DECLARED = (SOURCE, FILES)
