"""The Home Office "Police recorded crime by Community Safety Partnership" open data tables
(issue 21 parts 2 and 4): a kind of file, and a source of indicator figures of its own
(``csp-crime``), quarterly, by partnership, police force area and England and Wales. A measure
names an offence group, a subgroup, offence codes, or all crime but some of them
(``rules.csp_tables``)."""

from sources.declarations import OFFENCES, PARTNERSHIP_QUARTERS, FigureSource, FileKind

SOURCE = FigureSource(
    key="csp-crime",
    position=25,
    name="Recorded crime (Home Office tables)",
    grain="quarter",
    coverage=PARTNERSHIP_QUARTERS,
    measure_form=OFFENCES,
    chart_source="Home Office, police recorded crime by Community Safety Partnership",
    figures="Home Office counts",
    unit_plural="offences",
    unit_heading="Offences",
    missing_words=("no Home Office tables loaded", "no Home Office figures"),
)

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

DECLARED = (SOURCE, FILES)
