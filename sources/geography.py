"""Geography: boundaries to draw, residents to divide by, neighbourhoods to place records in."""

from sources.declarations import FileKind

BOUNDARIES = FileKind(
    key="boundaries",
    position=90,
    loader=("geo.loaders", "load_boundaries"),
    name="Ward or borough outlines",
    description="Map boundaries (London Datastore or ONS Open Geography)",
    columns="Ward or borough outlines: GeoJSON, GeoPackage or a zipped shapefile (one vintage).",
    rows=False,
)
POPULATION = FileKind(
    key="population",
    position=110,
    loader=("geo.loaders", "load_population"),
    name="Population figures",
    description="Residents by ward or borough and year (ONS mid-year estimates)",
    columns="Population: area_code, year, population.",
)
LSOA_LOOKUP = FileKind(
    key="lsoa-lookup",
    position=120,
    loader=("geo.loaders", "load_lsoa_lookup"),
    name="Neighbourhood to ward lookup",
    description="ONS lookup placing each small neighbourhood (LSOA) in a ward",
    columns="The ONS LSOA to ward best-fit lookup (LSOA21CD, WD25CD, WD25NM, LAD25CD).",
    changes_coverage=("crime", "asb", "marac"),  # the wards it names change what a borough expects
)

CSP_LOOKUP = FileKind(
    key="csp-lookup",
    position=121,
    loader=("geo.csp_lookup", "load_csp_lookup"),
    name="District to partnership and police force lookup",
    description="ONS lookup placing each local authority district in its Community Safety Partnership and police force area",
    columns="The ONS lookup of districts to partnerships and police force areas: LADyyCD, LADyyNM, CSPyyCD, CSPyyNM, PFAyyCD, PFAyyNM "
    "for one year yy (e.g. LAD24CD); RGNyyCD, RGNyyNM place each district in its region as well; other columns are ignored.",
    changes_coverage=("crime", "asb", "marac"),  # a partnership or force area is summed from its districts
)
REGION_LOOKUP = FileKind(
    key="region-lookup",
    position=122,
    loader=("geo.region_lookup", "load_region_lookup"),
    name="District to region lookup",
    description="ONS lookup placing each local authority district in its English region (for comparisons with the region)",
    columns="The ONS lookup of districts to regions: LADyyCD, LADyyNM, RGNyyCD, RGNyyNM for one year yy (e.g. LAD24CD); "
    "Welsh districts may be left out or given Wales (W92000004); other columns are ignored.",
    changes_coverage=("crime", "asb", "marac"),  # a region is summed from its districts
)

DECLARED = (BOUNDARIES, POPULATION, LSOA_LOOKUP, CSP_LOOKUP, REGION_LOOKUP)
