"""Series breaks and notes: dates where a series changed, with the reason."""

from sources.declarations import FileKind

FILES = FileKind(
    key="annotations",
    position=130,
    loader=("loaders.annotations", "load_annotations"),
    name="Series breaks and notes",
    description="Dates where a series changed, such as new recording rules, with the reason",
    columns="Series breaks: indicator_code or source, date, reason, and optionally area_code and kind.",
    cli_words="annotations (series breaks and notes)",
    rows=False,
)

DECLARED = (FILES,)
