"""police.uk street-level records: crime and ASB, placed in wards by location.

They count the same recorded crime as the Met's files, so one source per borough-month is
used (``store.count_sources``; the origins are declared on the crime and ASB sources)."""

from sources.declarations import FileKind

FILES = FileKind(
    key="policeuk",
    position=100,
    loader=("geo.loaders", "load_policeuk"),
    name="police.uk street-level crime",
    description="Monthly street-level crime downloads from data.police.uk",
    columns="police.uk street-level CSVs, one month or many, plain or zipped as downloaded (the monthly archive of every force too).",
    rows=False,
    changes_coverage=("crime", "asb"),
    writes_counts=("crime", "asb"),
)

DECLARED = (FILES,)
