"""The Met's category names in plain words (store/met_categories.csv): every MajorText and
MinorText in the real Met files is mapped, and the words reach the lists people read."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from store.met_categories import MAPPING_FILE, is_mapped, met_categories, plain_category

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"


def _met_texts(path: Path) -> set[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "MajorText" not in reader.fieldnames:
            return set()
        found: set[tuple[str, str]] = set()
        for row in reader:
            found |= {("major", row["MajorText"]), ("minor", row["MinorText"])}
        return found


def test_every_met_category_in_the_shared_files_has_plain_words(shared_data: Path) -> None:
    files = sorted(p for p in shared_data.rglob("*.csv") if _met_texts(p))
    assert len(files) >= 2, f"expected the Met ward and borough files under {shared_data}"
    texts = set().union(*(_met_texts(p) for p in files))
    assert len({t for level, t in texts if level == "major"}) >= 13
    missing = sorted(f"{level}: {text}" for level, text in texts if not is_mapped(text, level))
    assert not missing, f"add these to {MAPPING_FILE.name}: {missing}"


def test_every_met_category_in_the_demo_files_has_plain_words() -> None:
    texts = set().union(*(_met_texts(p) for p in DEMO.glob("crime_*met_format.csv")))
    assert texts
    assert not sorted(t for level, t in texts if not is_mapped(t, level))


def test_the_mapping_file_is_well_formed() -> None:
    with MAPPING_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["level"] for r in rows} == {"major", "minor"}
    keys = [(r["level"], r["met_text"]) for r in rows]
    assert len(keys) == len(set(keys)), "one row per level and Met name"
    for r in rows:
        words = r["plain_words"]
        assert words and words[0].isupper() and not words.isupper(), r
        assert r["met_text"] == r["met_text"].upper(), r
    assert len(met_categories()) == len(rows)


@pytest.mark.parametrize(
    "text, level, words",
    [
        ("THEFT OR UNAUTH TAKING OF A MOTOR VEH", "minor", "Theft or unauthorised taking of a motor vehicle"),
        ("theft or unauth taking of a motor veh", None, "Theft or unauthorised taking of a motor vehicle"),
        ("VIOLENCE AGAINST THE PERSON", "major", "Violence against the person"),
        ("RACE OR RELIGIOUS AGG PUBLIC FEAR", "minor", "Racially or religiously aggravated public fear, alarm or distress"),
        ("NFIB", "minor", "Fraud reported to Action Fraud (NFIB)"),
        # A police.uk type or a category the Met adds later: sentence case, never an error.
        ("Violence and sexual offences", None, "Violence and sexual offences"),
        ("SOME NEW CATEGORY", "minor", "Some new category"),
    ],
)
def test_plain_words(text: str, level: str | None, words: str) -> None:
    assert plain_category(text, level) == words


def test_old_and_new_residential_burglary_say_which_is_which() -> None:
    old = plain_category("BURGLARY - RESIDENTIAL", "minor")
    home = plain_category("RES BURGLARY OF A HOME", "minor")
    building = plain_category("RES BURGLARY OF UNCONNECTED BUILDING", "minor")
    assert "older category" in old
    assert "current category" in home and "current category" in building
    assert len({old, home, building}) == 3


def test_category_counts_csv_keeps_met_names_and_adds_plain_words(demo_engine) -> None:
    from store.db import session_scope
    from store.reconcile import count_rows

    with session_scope(demo_engine) as session:
        headers, records = count_rows(
            session, "crime", area="E09000016", level=None, first="2016-10", last="2016-12", by="quarter", by_category=True
        )
    assert headers[3:6] == ["major_category", "minor_category", "category_label"]
    vehicle = [r for r in records if r["minor_category"] == "THEFT OR UNAUTH TAKING OF A MOTOR VEH"]
    assert vehicle and all(r["category_label"] == "Theft or unauthorised taking of a motor vehicle" for r in vehicle)
    assert all(r["category_label"] and not r["category_label"].isupper() for r in records)
