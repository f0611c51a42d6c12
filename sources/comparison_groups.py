"""Groups of similar areas to compare with (issue 21 part 4): the Home Office most similar
groups, CIPFA nearest neighbours, or a partnership's own list. An indicator names one with
``comparator_area`` ``group:<name>``."""

from sources.declarations import FileKind

FILES = FileKind(
    key="comparison-groups",
    position=123,
    loader=("loaders.comparison_groups", "load_comparison_groups"),
    name="Groups of similar areas",
    description="Groups of similar partnerships or districts to compare with (most similar groups, nearest neighbours)",
    columns="Comparison groups: group, area_code (a partnership or district held in the area tree), optional area_name; "
    "one row per member. Loading a group replaces its members.",
)

DECLARED = (FILES,)
