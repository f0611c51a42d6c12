"""Deterministic generator for the bundled demo dataset (``data/demo/*.csv``).

Every number is synthetic, produced here from a fixed seed with ``numpy.random.default_rng``;
no external data is copied. Only public facts are hard-coded: Havering's 18 wards (2002-2022
codes and names) and the Met Police's Home Office crime category names.

Calibration (to the figures in Havering's Q3 2016/17 Crime & Disorder performance report):

* Total notifiable offences (TNO): quarter totals are exact (see ``TNO``), e.g. 2016-17
  Q1-Q3 = 4,318 + 4,470 + 4,355 = 13,143 against 12,573 a year earlier (+4.5%). Violence
  against the person (VAP) is given a share of each quarter so that it supplies about four
  fifths of that year-to-date increase (the recording changes of 2015-16).
* ASB quarter totals are exact (see ``ASB``); MARAC cases/repeats are exact (``MARAC``).
* London comparators are built so the year-to-date change at 2016-17 Q3 rounds to +3.8%
  (TNO) and +12.7% (ASB, +11.8% at Q2). The other 31 Met boroughs' monthly crime (Met borough
  file layout) shares out London's quarterly TNO less Havering's, so London is their sum.

Quarter totals are split into months with mild seasonality by largest-remainder rounding,
then each month across ward x category cells by a multinomial draw, so all sums stay exact.
Files are written with the csv module ("\\n" line endings, UTF-8) so reruns are byte-identical.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

import numpy as np

BOROUGH, LONDON, ENGLAND = "E09000016", "E12000007", "E92000001"
YEARS = ["2014-15", "2015-16", "2016-17"]
QUARTERS = [f"{y}-Q{q}" for y in YEARS for q in range(1, 5)]
# Relative crime weights: Romford Town (the main town centre) far bigger, the rural/suburban
# wards (Havering Park, Upminster, Cranham, Emerson Park) smaller.
WARDS: list[tuple[str, str, float]] = [
    ("E05000306", "Brooklands", 7.0),
    ("E05000307", "Cranham", 3.0),
    ("E05000308", "Elm Park", 5.0),
    ("E05000309", "Emerson Park", 3.5),
    ("E05000310", "Gooshays", 7.0),
    ("E05000311", "Hacton", 4.0),
    ("E05000312", "Harold Wood", 4.5),
    ("E05000313", "Havering Park", 3.3),
    ("E05000314", "Heaton", 6.5),
    ("E05000315", "Hylands", 4.5),
    ("E05000316", "Mawneys", 4.5),
    ("E05000317", "Pettits", 4.0),
    ("E05000318", "Rainham and Wennington", 6.0),
    ("E05000319", "Romford Town", 17.0),
    ("E05000320", "St. Andrew's", 5.0),
    ("E05000321", "South Hornchurch", 6.0),
    ("E05000322", "Squirrel's Heath", 4.5),
    ("E05000323", "Upminster", 3.4),
]
TOWN_CENTRES = {"Romford Town", "Brooklands", "St. Andrew's"}
OPEN_SPACE_WARDS = {"Rainham and Wennington", "Havering Park", "Harold Wood", "South Hornchurch"}
VAP = "VIOLENCE AGAINST THE PERSON"
# Met (Home Office) major/minor category names with rough relative shares (NFIB FRAUD left out);
# VAP's overall share is set separately per year (VAP_SHARE), so only shares within a group matter.
MET_CATEGORIES: dict[str, dict[str, float]] = {
    "ARSON AND CRIMINAL DAMAGE": {"ARSON": 0.4, "CRIMINAL DAMAGE": 8.0},
    "BURGLARY": {
        "BURGLARY - RESIDENTIAL": 0.05,
        "BURGLARY BUSINESS AND COMMUNITY": 2.5,
        "RES BURGLARY OF A HOME": 6.0,
        "RES BURGLARY OF UNCONNECTED BUILDING": 1.5,
    },
    "DRUG OFFENCES": {"POSSESSION OF DRUGS": 3.5, "TRAFFICKING OF DRUGS": 0.8},
    "FRAUD AND FORGERY": {"FRAUD AND FORGERY": 0.05},
    "MISCELLANEOUS CRIMES AGAINST SOCIETY": {"MISC CRIMES AGAINST SOCIETY": 1.0},
    "POSSESSION OF WEAPONS": {"POSSESSION OF WEAPONS": 0.6},
    "PUBLIC ORDER OFFENCES": {
        "OTHER OFFENCES PUBLIC ORDER": 0.6,
        "PUBLIC FEAR ALARM OR DISTRESS": 2.5,
        "RACE OR RELIGIOUS AGG PUBLIC FEAR": 0.6,
        "VIOLENT DISORDER": 0.02,
    },
    "ROBBERY": {"ROBBERY OF BUSINESS PROPERTY": 0.4, "ROBBERY OF PERSONAL PROPERTY": 2.5},
    "SEXUAL OFFENCES": {"OTHER SEXUAL OFFENCES": 1.2, "RAPE": 0.6},
    "THEFT": {"BICYCLE THEFT": 1.2, "OTHER THEFT": 10.0, "SHOPLIFTING": 7.0, "THEFT FROM THE PERSON": 2.5},
    "VEHICLE OFFENCES": {
        "AGGRAVATED VEHICLE TAKING": 0.1,
        "INTERFERING WITH A MOTOR VEHICLE": 1.0,
        "THEFT FROM A VEHICLE": 7.0,
        "THEFT OR UNAUTH TAKING OF A MOTOR VEH": 4.0,
    },
    VAP: {
        "DEATH SERIOUS INJURY ILLEGAL DRIVING": 0.03,
        "HOMICIDE": 0.02,
        "STALKING AND HARASSMENT": 9.5,
        "VIOLENCE WITH INJURY": 9.5,
        "VIOLENCE WITHOUT INJURY": 13.5,
    },
}
CATEGORIES = [(major, minor, w) for major, minors in MET_CATEGORIES.items() for minor, w in minors.items()]
# Exact quarter totals (Q1..Q4 per financial year). Q4s and 2014-15 are plausible fill-ins.
TNO = {"2014-15": [3512, 3648, 3701, 3795], "2015-16": [3950, 4103, 4520, 4300], "2016-17": [4318, 4470, 4355, 4250]}
VAP_SHARE = {"2014-15": 0.285, "2015-16": 0.31}  # 2016-17 is derived (see vap_totals)
VAP_CONTRIBUTION = 0.8  # share of the 2016-17 year-to-date TNO increase coming from VAP
ASB = {"2014-15": [1124, 1338, 1096, 1052], "2015-16": [1202, 1468, 1140, 1050], "2016-17": [1392, 2096, 1322, 1150]}
ASB_TYPES = {"Personal": 0.14, "Nuisance": 0.76, "Environmental": 0.10}
MARAC = {
    "2014-15": [(40, 9), (43, 10), (45, 9), (44, 11)],
    "2015-16": [(47, 11), (49, 13), (52, 12), (53, 14)],
    "2016-17": [(55, 13), (61, 15), (59, 17), (62, 18)],
}
# Mild seasonality by calendar month: summer and autumn a little busier, February quieter.
SEASON = {4: 1.0, 5: 1.03, 6: 1.02, 7: 1.05, 8: 1.01, 9: 0.98, 10: 1.02, 11: 0.99, 12: 0.97, 1: 0.96, 2: 0.92, 3: 1.0}


def quarter_months(year: str, q: int) -> list[str]:
    """Months (YYYY-MM) of financial-year quarter q; Q1 = Apr-Jun ... Q4 = Jan-Mar."""
    start = int(year[:4])
    first = 3 * q + 1 if q < 4 else 1
    cal_year = start if q < 4 else start + 1
    return [f"{cal_year}-{m:02d}" for m in range(first, first + 3)]


MONTHS = [m for y in YEARS for q in range(1, 5) for m in quarter_months(y, q)]


def split_exact(total: int, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder split of an integer total in proportion to weights (sums exactly)."""
    raw = total * np.asarray(weights, dtype=float) / np.sum(weights)
    out = np.floor(raw).astype(int)
    order = np.argsort(-(raw - out), kind="stable")  # stable sort keeps ties deterministic
    out[order[: total - out.sum()]] += 1
    return out


def vap_totals() -> dict[str, list[int]]:
    """VAP count per quarter. The 2016-17 share is solved so VAP supplies ~80% of the YTD rise."""
    ytd_prev, ytd_now = sum(TNO["2015-16"][:3]), sum(TNO["2016-17"][:3])
    vap_prev = sum(round(t * VAP_SHARE["2015-16"]) for t in TNO["2015-16"][:3])
    share_now = (vap_prev + VAP_CONTRIBUTION * (ytd_now - ytd_prev)) / ytd_now
    shares = {**VAP_SHARE, "2016-17": share_now}
    return {y: [round(t * shares[y]) for t in TNO[y]] for y in YEARS}


def month_split(year: str, q: int, total: int) -> dict[str, int]:
    months = quarter_months(year, q)
    parts = split_exact(total, np.array([SEASON[int(m[5:])] for m in months]))
    return dict(zip(months, map(int, parts)))


def crime_table(rng: np.random.Generator) -> list[list[object]]:
    """Met ward-file rows: one per ward x category, one column per month."""
    is_vap = np.array([major == VAP for major, _, _ in CATEGORIES])
    cells = np.outer([w for _, _, w in WARDS], [s for _, _, s in CATEGORIES])
    cells *= rng.gamma(20.0, 1 / 20.0, size=cells.shape)  # fixed per-cell heterogeneity
    for i, (_, name, _) in enumerate(WARDS):  # shops and crowds concentrate theft in centres
        if name in TOWN_CENTRES:
            cells[i] *= [2.5 if minor in ("SHOPLIFTING", "THEFT FROM THE PERSON") else 1.0 for _, minor, _ in CATEGORIES]
    counts = np.zeros(cells.shape + (len(MONTHS),), dtype=int)
    vap = vap_totals()
    for y in YEARS:
        for q in range(1, 5):
            for group, total in ((is_vap, vap[y][q - 1]), (~is_vap, TNO[y][q - 1] - vap[y][q - 1])):
                p = np.where(group[None, :], cells, 0.0).ravel()
                for month, n in month_split(y, q, total).items():
                    draw = rng.multinomial(n, p / p.sum()).reshape(cells.shape)
                    counts[:, :, MONTHS.index(month)] += draw
    return [
        [major, minor, wname, wcode, "Havering", *counts[i, j].tolist()]
        for i, (wcode, wname, _) in enumerate(WARDS)
        for j, (major, minor, _) in enumerate(CATEGORIES)
    ]


# The other 31 boroughs the Met polices (the City of London has its own force), with relative
# sizes of our own choosing, so the London comparison page has every borough to compare.
OTHER_BOROUGHS: list[tuple[str, float]] = [
    ("Barking and Dagenham", 18),
    ("Barnet", 27),
    ("Bexley", 14),
    ("Brent", 27),
    ("Bromley", 23),
    ("Camden", 31),
    ("Croydon", 31),
    ("Ealing", 28),
    ("Enfield", 25),
    ("Greenwich", 24),
    ("Hackney", 29),
    ("Hammersmith and Fulham", 19),
    ("Haringey", 27),
    ("Harrow", 13),
    ("Hillingdon", 24),
    ("Hounslow", 23),
    ("Islington", 24),
    ("Kensington and Chelsea", 18),
    ("Kingston upon Thames", 11),
    ("Lambeth", 33),
    ("Lewisham", 25),
    ("Merton", 13),
    ("Newham", 32),
    ("Redbridge", 22),
    ("Richmond upon Thames", 11),
    ("Southwark", 33),
    ("Sutton", 11),
    ("Tower Hamlets", 30),
    ("Waltham Forest", 23),
    ("Wandsworth", 24),
    ("Westminster", 53),
]


def borough_table(rng: np.random.Generator, london: list[int]) -> list[list[object]]:
    """Met borough-file rows for the other 31 boroughs: each quarter, London's total less
    Havering's is shared between them, so the boroughs add up to the London comparator."""
    weights = np.array([w for _, w in OTHER_BOROUGHS], dtype=float)
    shares = np.array([s for _, _, s in CATEGORIES], dtype=float)
    mix = np.outer(weights, shares) * rng.gamma(20.0, 1 / 20.0, size=(len(weights), len(shares)))
    counts = np.zeros(mix.shape + (len(MONTHS),), dtype=int)
    for k, (y, q) in enumerate((y, q) for y in YEARS for q in range(1, 5)):
        rest = london[k] - TNO[y][q - 1]
        for month, n in month_split(y, q, rest).items():
            counts[:, :, MONTHS.index(month)] = split_exact(n, (mix * rng.gamma(50.0, 1 / 50.0, size=mix.shape)).ravel()).reshape(
                mix.shape
            )
    return [
        [major, minor, name, *counts[i, j].tolist()]
        for i, (name, _) in enumerate(OTHER_BOROUGHS)
        for j, (major, minor, _) in enumerate(CATEGORIES)
    ]


def asb_table(rng: np.random.Generator) -> list[list[object]]:
    """Ward x month x category ASB counts; the summer 2016 surge leans to open-space wards."""
    base = np.outer([w for _, _, w in WARDS], list(ASB_TYPES.values()))
    base *= rng.gamma(30.0, 1 / 30.0, size=base.shape)
    open_space = np.array([name in OPEN_SPACE_WARDS for _, name, _ in WARDS])
    rows: dict[str, np.ndarray] = {}
    for y in YEARS:
        for q in range(1, 5):
            p = base.copy()
            if (y, q) == ("2016-17", 2):  # unauthorised encampments on open spaces
                p[open_space] *= 2.2
            for month, n in month_split(y, q, ASB[y][q - 1]).items():
                rows[month] = rng.multinomial(n, (p / p.sum()).ravel()).reshape(p.shape)
    return [
        [code, m, cat, int(rows[m][i, k])]
        for i, (code, _, _) in enumerate(WARDS)
        for m in MONTHS
        for k, cat in enumerate(ASB_TYPES)
    ]


def marac_table(rng: np.random.Generator) -> list[list[object]]:
    out: list[list[object]] = []
    for y in YEARS:
        for q, (cases, repeats) in enumerate(MARAC[y], start=1):
            police = int(rng.binomial(cases, 0.7))  # most MARAC referrals come from the police
            idva = int(round(cases * 1.8 + rng.normal(0, 4)))
            out.append([BOROUGH, f"{y}-Q{q}", cases, repeats, police, idva])
    return out


def rising(rng: np.random.Generator, start: float, end: float, noise: float) -> list[int]:
    """A noisy linear rise over the 12 quarters (used for demand-style measures)."""
    return [int(round(v)) for v in np.linspace(start, end, 12) + rng.normal(0, noise, 12)]


def london_series(rng: np.random.Generator, base: list[float], trend: float, ytd_growth: dict[int, float]) -> list[int]:
    """12 London quarters. 2016-17 grows by about `trend`; at each quarter k in ytd_growth that
    quarter is solved so the year-to-date total is exactly (1 + growth) x last year's."""
    older = [int(round(b * 0.95 * (1 + rng.normal(0, 0.01)))) for b in base]  # 2014-15 a bit lower
    last = [int(round(b * (1 + rng.normal(0, 0.01)))) for b in base]
    now: list[int] = []
    for k in range(1, 5):
        if k in ytd_growth:
            now.append(int(round(sum(last[:k]) * (1 + ytd_growth[k]))) - sum(now))
        else:
            now.append(int(round(last[k - 1] * (1 + trend + rng.normal(0, 0.01)))))
    return older + last + now


def values_table(rng: np.random.Generator) -> tuple[list[list[object]], list[int]]:
    """Uploaded values, and London's quarterly crime (which the boroughs' crime must add up to)."""
    out: list[list[object]] = []
    series = {
        ("DP2", BOROUGH): rising(rng, 900, 1190, 20),
        ("DP4", BOROUGH): rising(rng, 150, 245, 8),
        ("CSP1", LONDON): london_series(rng, [184000, 187500, 188000, 182500], 0.038, {3: 0.038}),
        ("CSP3", LONDON): london_series(rng, [64000, 70500, 60500, 58500], 0.118, {2: 0.118, 3: 0.127}),
    }
    for (code, area), vals in series.items():
        out += [[code, area, qk, v, "", ""] for qk, v in zip(QUARTERS, vals)]
    national = [24.0, 24.3, 24.6, 24.8, 25.1, 25.0, 24.9, 25.2, 24.8, 24.6, 24.5, 24.7]
    out += [["CSP2", ENGLAND, qk, f"{v:.1f}", "", ""] for qk, v in zip(QUARTERS, national)]
    return out, series[("CSP1", LONDON)]


INDICATORS = [
    [
        "CSP1",
        "Total notifiable offences",
        "Safe",
        "count",
        "lower",
        "ytd",
        "crime",
        "true",
        "All notifiable offences recorded by the police in the borough, counted year to date.",
        LONDON,
        "London",
    ],
    [
        "CSP2",
        "Repeat domestic violence cases going to MARAC",
        "Safe",
        "percent",
        "band",
        "quarter",
        "marac:repeat_rate",
        "true",
        "Share of cases heard at MARAC that are repeats within 12 months, expected to sit within the SafeLives range.",
        ENGLAND,
        "National average (SafeLives)",
    ],
    [
        "CSP3",
        "Anti-social behaviour incidents",
        "Safe",
        "count",
        "lower",
        "ytd",
        "asb",
        "true",
        "Anti-social behaviour incidents reported to the police, counted year to date.",
        LONDON,
        "London",
    ],
    [
        "DP1",
        "Violence against the person offences",
        "Safe",
        "count",
        "lower",
        "quarter",
        f"crime:{VAP}",
        "false",
        "Violence against the person offences recorded by the police each quarter.",
        "",
        "",
    ],
    [
        "DP2",
        "Domestic abuse incidents reported to police",
        "Safe",
        "count",
        "lower",
        "quarter",
        "values",
        "false",
        "Domestic abuse incidents, crimed or not, reported to the police each quarter.",
        "",
        "",
    ],
    [
        "DP3",
        "MARAC cases discussed",
        "Safe",
        "count",
        "higher",
        "quarter",
        "marac:cases",
        "false",
        "High-risk domestic abuse cases discussed at the MARAC each quarter.",
        "",
        "",
    ],
    [
        "DP4",
        "Referrals to the MASH with domestic abuse as the main reason",
        "Safe",
        "count",
        "higher",
        "quarter",
        "values",
        "false",
        "Referrals to the MASH, each quarter, where domestic abuse is the main presenting reason.",
        "",
        "",
    ],
    [
        "DP5",
        "Burglary offences",
        "Safe",
        "count",
        "lower",
        "quarter",
        "crime:BURGLARY",
        "false",
        "Burglary offences (residential and business) recorded by the police each quarter.",
        "",
        "",
    ],
]
YTD_TARGETS = {
    "CSP1": {"2014-15": [3600, 7250, 10900, 14500], "2015-16": [3800, 7700, 11600, 15400], "2016-17": [4150, 8300, 12400, 16600]},
    "CSP3": {"2014-15": [1150, 2450, 3550, 4600], "2015-16": [1150, 2500, 3600, 4650], "2016-17": [1150, 2500, 3650, 4700]},
}
TOLERANCE = {"CSP1": "2.5", "CSP3": "5"}


def targets_table() -> list[list[object]]:
    out: list[list[object]] = []
    for code, years in YTD_TARGETS.items():
        out += [
            [code, y, f"Q{q}", t, "", "", TOLERANCE[code], "pct", ""]
            for y, ts in years.items()
            for q, t in enumerate(ts, start=1)
        ]
    out += [["CSP2", y, "", "", 28, 40, 3, "abs", ""] for y in YEARS]
    return out


def ytd_change(series: dict[str, list[int]], q: int) -> float:
    now, prev = sum(series["2016-17"][:q]), sum(series["2015-16"][:q])
    return 100 * (now - prev) / prev


def commentary_table() -> list[list[object]]:
    """Our own analyst commentary; figures are computed from the calibration so they always agree."""
    rep = {q: MARAC["2016-17"][q - 1] for q in (2, 3)}
    rate = {q: 100 * r / c for q, (c, r) in rep.items()}
    return [
        [
            "CSP1",
            BOROUGH,
            "2016-17-Q2",
            f"Offences are {ytd_change(TNO, 2):.1f}% higher than at this point last year, "
            "mostly violence against the person after changes to crime recording.",
            "Review violence hotspots with the police and licensing teams.",
        ],
        [
            "CSP2",
            BOROUGH,
            "2016-17-Q2",
            f"{rate[2]:.1f}% of MARAC cases this quarter were repeats, just below "
            "the SafeLives 28-40% range; we are checking that repeats are being identified.",
            "",
        ],
        [
            "CSP3",
            BOROUGH,
            "2016-17-Q2",
            f"ASB is {ytd_change(ASB, 2):.1f}% up year to date after a summer peak of complaints about unauthorised encampments.",
            "Joint patrols of open spaces with parks staff.",
        ],
        [
            "CSP1",
            BOROUGH,
            "2016-17-Q3",
            f"Total notifiable offences are up {ytd_change(TNO, 3):.1f}% year to date. Most of the rise is "
            "violence against the person, reflecting changes in how violent crime is recorded rather than a "
            "real increase. Q3 was the first quarter this year with fewer offences than the same quarter last year.",
            "Partnership problem-solving on violence in Romford town centre and audit of recording with the police.",
        ],
        [
            "CSP2",
            BOROUGH,
            "2016-17-Q3",
            f"{rate[3]:.1f}% of cases discussed at MARAC in Q3 were repeats, within the SafeLives expected range "
            "of 28-40%, suggesting repeat victims are being identified and referred back.",
            "",
        ],
        [
            "CSP3",
            BOROUGH,
            "2016-17-Q3",
            f"ASB incidents are up {ytd_change(ASB, 3):.1f}% year to date, driven by complaints about unauthorised "
            "encampments on parks and open spaces over the summer. Q3 levels were closer to last year.",
            "Faster legal process for encampments and target hardening of vulnerable open spaces.",
        ],
    ]


HEADERS = {  # exact column names of the user-facing upload formats
    "areas.csv": "area_code area_name level parent_code boundary_vintage",
    "crime_wards_met_format.csv": "MajorText MinorText WardName WardCode LookUp_BoroughName "
    + " ".join(m.replace("-", "") for m in MONTHS),
    "crime_boroughs_met_format.csv": "MajorText MinorText BoroughName " + " ".join(m.replace("-", "") for m in MONTHS),
    "asb.csv": "area_code month category count",
    "marac.csv": "area_code quarter cases_discussed repeat_cases referrals_from_police idva_caseload",
    "indicators.csv": "code name goal unit polarity basis measure rated description comparator_area comparator_label",
    "targets.csv": "code year quarter target target_low target_high tolerance tolerance_type area_code",
    "values.csv": "indicator_code area_code period value numerator denominator",
    "commentary.csv": "indicator_code area_code period commentary corrective_action",
    "population.csv": "area_code year population",
}


# Havering's residents, mid-year (June) estimates in the style of ONS's: the borough's total
# close to the published figures; each ward's share drawn once (wards hold 11,000 to 16,000).
POPULATION = {2014: 245_974, 2015: 249_085, 2016: 252_783}


def population_table(rng: np.random.Generator) -> list[list[object]]:
    shares = rng.uniform(0.8, 1.15, len(WARDS))
    rows: list[list[object]] = []
    for year, total in POPULATION.items():
        growth = rng.uniform(0.995, 1.005, len(WARDS))  # wards grow a little unevenly
        wards = split_exact(total, shares * growth)
        rows += [[code, year, int(n)] for (code, _, _), n in zip(WARDS, wards)]
        rows.append([BOROUGH, year, total])
    return rows


def generate(out_dir: Path, seed: int = 20170117) -> list[Path]:
    """Write the demo CSVs into out_dir and return their paths (deterministic for a given seed)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)  # tables draw from it in a fixed order, so order matters
    tables: dict[str, list[list[Any]]] = {
        # Havering's wards of 2002-2022 (in the 2018 outlines), replaced in May 2022.
        "areas.csv": [[BOROUGH, "Havering", "borough", LONDON, ""]] + [[c, n, "ward", BOROUGH, "2018"] for c, n, _ in WARDS],
        "crime_wards_met_format.csv": crime_table(rng),
        "asb.csv": asb_table(rng),
        "marac.csv": marac_table(rng),
        "indicators.csv": INDICATORS,
        "targets.csv": targets_table(),
    }
    tables["values.csv"], london_crime = values_table(rng)
    tables["commentary.csv"] = commentary_table()
    # Drawn last, from its own stream, so the Havering files stay as they were.
    tables["crime_boroughs_met_format.csv"] = borough_table(np.random.default_rng(seed + 1), london_crime)
    tables["population.csv"] = population_table(np.random.default_rng(seed + 2))
    paths = []
    for name, rows in tables.items():
        with (out_dir / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")  # "\n" everywhere: byte-identical on any OS
            writer.writerow(HEADERS[name].split())
            writer.writerows(rows)
        paths.append(out_dir / name)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the synthetic cspdash demo dataset.")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "demo")
    parser.add_argument("--seed", type=int, default=20170117)
    args = parser.parse_args(argv)
    for path in generate(args.out, args.seed):
        print(path)


if __name__ == "__main__":
    main()
