"""The Home Office "Police recorded crime by Community Safety Partnership" open data tables
(issue 21 part 2): a kind of file for now; its figures are held (``csp_crime_count``) but not
yet a figure source of their own (quarterly coverage, comparators and ``counts`` come next)."""

from sources.declarations import FileKind

FILES = FileKind(
    key="csp-tables",
    position=124,
    loader=("loaders.csp_tables", "load_csp_tables"),
    name="Home Office crime by partnership",
    description="Home Office open data tables: police recorded crime by Community Safety Partnership, by quarter",
    columns="The Home Office workbook (.xlsx or .ods): one sheet per financial year (2024_25) with Financial Year, "
    "Financial Quarter, Police Force, CSP Name, Offence Description, Offence Group, Offence Subgroup, Offence Code, "
    "Offence Count; load the district to partnership lookup first.",
    rows=False,
)

DECLARED = (FILES,)
