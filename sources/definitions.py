"""The partnership's own definitions: indicators, targets, areas and commentary."""

from sources.declarations import FileKind

INDICATORS = FileKind(
    key="indicators",
    position=50,
    loader=("loaders.definitions", "load_indicators"),
    name="Indicator list",
    description="The indicators the partnership reports on and which way is better",
    columns="Indicator definitions: code, name, goal, unit, polarity, basis, measure, rated.",
    changes_coverage=("values",),  # an indicator dropped takes its values with it
    asks_missing=True,
)
TARGETS = FileKind(
    key="targets",
    position=60,
    loader=("loaders.definitions", "load_targets"),
    name="Targets",
    description="Each indicator's target and tolerance by year and quarter",
    columns="Targets: code, year, quarter, target (or target_low and target_high), tolerance, tolerance_type, area_code.",
)
AREAS = FileKind(
    key="areas",
    position=70,
    loader=("loaders.definitions", "load_areas"),
    name="Areas",
    description="The borough and its wards, with names and codes",
    columns="Areas: area_code, area_name, level, parent_code.",
    changes_coverage=("crime", "asb", "marac"),  # a new ward changes what a borough expects
)
COMMENTARY = FileKind(
    key="commentary",
    position=80,
    loader=("loaders.commentary", "load_commentary"),
    name="Commentary",
    description="What the lead officer says about each indicator, and corrective action",
    columns="Commentary: indicator_code, area_code, period, commentary, corrective_action.",
)

DECLARED = (INDICATORS, TARGETS, AREAS, COMMENTARY)
