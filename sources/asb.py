"""Anti-social behaviour: incident counts by area, month and (optionally) category."""

from sources.declarations import CATEGORIES, COUNTS, FigureSource, FileKind

SOURCE = FigureSource(
    key="asb",
    position=20,
    name="ASB",
    grain="month",
    coverage=COUNTS,
    measure_form=CATEGORIES,
    chart_source="police.uk anti-social behaviour incidents",
    figures="counts",
    count_model="AsbCount",
    set_aside_model="AsbCountSetAside",
    categories=("category",),
    unit_plural="ASB incidents",
    unit_heading="Incidents",
    map_label="Anti-social behaviour",
    origins=(("met", "the ASB count files"), ("police.uk", "police.uk street-level records")),
    missing_words=("no figures loaded", "no figures"),
)

FILES = FileKind(
    key="asb",
    position=20,
    loader=("loaders.asb", "load_asb"),
    name="Anti-social behaviour",
    description="ASB incidents by area and month (CAD or council returns)",
    columns="Anti-social behaviour: area_code, month, category (optional), count.",
    changes_coverage=("asb",),
    writes_counts=("asb",),
)

DECLARED = (SOURCE, FILES)
