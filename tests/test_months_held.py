"""The months a count source holds (``store.source_months.months_held``), as kept by the
loads: every month some area holds, once, oldest first, and never a month inside the range
that no area holds (a quarter with such a month is not complete)."""

from __future__ import annotations

from store.db import session_scope
from store.source_months import months_held
from tests.helpers import load, write

HEADER = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202410,202411,202501,202502\n"


def test_months_held_are_every_month_some_area_holds_and_no_other(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    with session_scope(engine) as session:
        assert months_held(session, "crime") == []
    # Two wards of two boroughs: one holds the autumn, the other the new year; nobody December.
    body = (
        "BURGLARY,BURGLARY - RESIDENTIAL,Harold Wood,E05000312,Havering,3,4,,\n"
        "THEFT,OTHER THEFT,Abbey,E05014053,Barking and Dagenham,,,5,6\n"
    )
    load(engine, "crime", write(tmp_path / "wards.csv", HEADER + body))
    with session_scope(engine) as session:
        assert months_held(session, "crime") == ["2024-10", "2024-11", "2025-01", "2025-02"]
        assert months_held(session, "asb") == []
