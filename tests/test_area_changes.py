"""Issue 23 part 3: the area tree (the nation's 7,707 areas at national volume) is kept through
loads of figures that change no area, and built again after any write to the tables it is made
from: ``data_version.areas_version`` rises with every such write, however it is made
(``store.area_changes``), and with nothing else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from store.area_links import replace_links
from store.area_retirement import retire_areas
from store.data_version import areas_version, shared_version
from store.db import session_scope
from store.models import Area, AreaLink
from store.ward_generations import Choice, set_choices
from tests.conftest import make_web_app
from tests.helpers import load, statements_run, write
from tests.test_national_requests import HAVERING, tree_reads

WARD = "E05000306"  # one of Havering's wards in the demo


def _add_area(session: Session) -> None:
    session.add(Area(code="E05999999", name="Newly drawn", level="ward", parent_code=HAVERING))


def _rename_area(session: Session) -> None:
    session.get_one(Area, WARD).name = "Renamed ward"


def _retire_area(session: Session) -> None:
    retire_areas(session, "2018", {WARD: ""}, None)


def _link_area(session: Session) -> None:
    replace_links(session, [HAVERING], [(HAVERING, "E92000001")], None, levels=("country",))


def _unlink_area(session: Session) -> None:
    session.execute(delete(AreaLink).where(AreaLink.area_code == HAVERING))


def _delete_link_object(session: Session) -> None:
    session.delete(session.get_one(AreaLink, (HAVERING, "E92000001")))


def _choose_generation(session: Session) -> None:
    set_choices(session, {(HAVERING, "2016-10"): Choice("2018", picked=True)}, "analyst")


def _core_update(session: Session) -> None:
    session.execute(update(Area).where(Area.code == WARD).values(boundary_vintage="2022"))


WRITES: dict[str, Callable[[Session], None]] = {
    "an area added": _add_area,
    "an area renamed": _rename_area,
    "an area retired": _retire_area,
    "a further parent linked": _link_area,
    "a further parent removed by a statement": _unlink_area,
    "a further parent's row deleted": _delete_link_object,
    "a ward generation chosen": _choose_generation,
    "an area changed by a statement": _core_update,
}


@pytest.mark.parametrize("what", WRITES)
def test_every_write_to_the_trees_tables_counts_a_change_of_the_tree(demo_engine, what):
    if WRITES[what] in (_unlink_area, _delete_link_object):
        with session_scope(demo_engine) as session:
            _link_area(session)  # the link to remove
    with session_scope(demo_engine) as session:
        before = areas_version(session)
    with session_scope(demo_engine) as session:
        WRITES[what](session)
    with session_scope(demo_engine) as session:
        assert areas_version(session) > before


def test_a_write_rolled_back_takes_its_count_with_it(demo_engine):
    with session_scope(demo_engine) as session:
        before = areas_version(session)
    with pytest.raises(RuntimeError), session_scope(demo_engine) as session:
        _add_area(session)
        session.flush()
        assert areas_version(session) == before + 1  # seen inside its own transaction
        raise RuntimeError("the load failed")
    with session_scope(demo_engine) as session:
        assert areas_version(session) == before
        assert session.get(Area, "E05999999") is None


def test_the_tree_is_kept_through_a_load_of_figures_and_built_again_when_a_load_adds_a_ward(demo_engine, database_url, tmp_path):
    client = make_web_app(database_url).server.test_client()
    counts = f"/api/v1/p/{HAVERING}/counts?source=asb&area={WARD}&by=month"
    assert client.get(counts).status_code == 200  # the tree is built and kept
    with session_scope(demo_engine) as session:
        shared, tree = shared_version(session), areas_version(session)

    # A month of ASB for a ward held: figures change, no area does.
    load(demo_engine, "asb", write(tmp_path / "asb.csv", f"area_code,month,category,count\n{WARD},2017-04,Personal,7\n"))
    with session_scope(demo_engine) as session:
        assert shared_version(session) > shared and areas_version(session) == tree
    with statements_run() as seen:
        answer = client.get(counts).get_json()
    assert tree_reads(seen) == 0
    assert {row["period"]: row["count"] for row in answer["data"]}["2017-04"] == 7  # the load is seen

    # An areas file adding a ward: the next request builds the tree again and has it.
    new_ward = "E05999998"
    text = f"area_code,area_name,level,parent_code,boundary_vintage\n{new_ward},Newly drawn,ward,{HAVERING},2022\n"
    assert load(demo_engine, "areas", write(tmp_path / "areas.csv", text)).areas_added == [new_ward]
    with session_scope(demo_engine) as session:
        assert areas_version(session) > tree
    with statements_run() as seen:
        areas = client.get(f"/api/v1/p/{HAVERING}/areas").get_json()
    assert tree_reads(seen) == 1
    assert new_ward in {row["code"] for row in areas["data"]}
    with session_scope(demo_engine) as session:
        assert session.scalar(select(Area.parent_code).where(Area.code == new_ward)) == HAVERING


def test_a_migration_counts_a_change_of_the_tree(demo_engine):
    """A migration writes on its own connection, which no session's listener sees: an upgrade
    that migrated counts a change, so a server's kept tree is built again; one with nothing to
    do counts none."""
    from store.schema import upgrade
    from tests.helpers import migrate_to

    with session_scope(demo_engine) as session:
        before = areas_version(session)
    upgrade(demo_engine)  # at head already
    with session_scope(demo_engine) as session:
        assert areas_version(session) == before
    migrate_to(demo_engine, "0032_kept_totals", down=True)
    upgrade(demo_engine)  # 0033 adds the counter at 0; the upgrade counts its change
    with session_scope(demo_engine) as session:
        assert areas_version(session) == 1
