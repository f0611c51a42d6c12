"""A burst of simultaneous sign-ins cannot beat the throttle: each attempt is reserved (counted)
before its password is checked, atomically, on SQLite and PostgreSQL. 30 concurrent POST
/login for one name against the real server (gunicorn, 3 workers x 4 threads) get at most the
limit checked, and none is answered with a 500 (two first failures used to collide on the
throttle table's key)."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import select

from store import throttle
from store.db import session_scope
from tests.conftest import WEB_PASSWORD, add_web_user
from tests.serve_process import served

BURST = 30


def _form(base: str) -> tuple[str, requests.cookies.RequestsCookieJar]:
    page = requests.get(base + "/login", headers={"Connection": "close"}, timeout=30)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1), page.cookies


def test_throttle_burst_of_sign_ins_checks_at_most_the_limit(demo_engine, database_url: str, tmp_path) -> None:
    add_web_user(demo_engine, "priya", "analyst")
    env = {"DATABASE_URL": database_url, "CSPDASH_DATA_DIR": str(tmp_path)}
    with served(env, "--workers", "3", "--threads", "4") as base:
        forms = [_form(base) for _ in range(BURST)]
        start = threading.Barrier(BURST)

        def attempt(form: tuple[str, requests.cookies.RequestsCookieJar]) -> int:
            token, cookies = form
            start.wait()
            return requests.post(base + "/login", data={"name": "priya", "password": "wrong guess", "csrf_token": token, "next": "/"},
                                 cookies=cookies, headers={"Connection": "close"}, allow_redirects=False, timeout=60).status_code  # fmt: skip

        with ThreadPoolExecutor(BURST) as pool:
            statuses = list(pool.map(attempt, forms))
        # 401: the password was checked (and wrong); 429: refused before any check.
        assert set(statuses) <= {401, 429}, statuses
        assert 1 <= statuses.count(401) <= throttle.USER_LIMIT, statuses
        with session_scope(demo_engine) as session:
            row = session.get(throttle.SignInThrottle, throttle.user_key("priya"))
            assert row is not None and row.failures == statuses.count(401)
        # Even the right password now waits: the name is throttled or locked.
        token, cookies = _form(base)
        right = requests.post(base + "/login", data={"name": "priya", "password": WEB_PASSWORD, "csrf_token": token, "next": "/"},
                              cookies=cookies, allow_redirects=False, timeout=30)  # fmt: skip
        assert right.status_code == 429


def test_throttle_reserve_counts_before_the_check_and_a_success_takes_it_back(engine) -> None:
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    keys = [throttle.user_key("Priya "), throttle.address_key("203.0.113.7")]
    with session_scope(engine) as session:
        assert throttle.reserve(session, keys, now).allowed
    with session_scope(engine) as session:
        counts = {r.key: r.failures for r in session.scalars(select(throttle.SignInThrottle))}
    assert counts == {"user:priya": 1, "addr:203.0.113.7": 1}
    with session_scope(engine) as session:
        throttle.record_success(session, keys[0], keys[1])
    with session_scope(engine) as session:
        counts = {r.key: r.failures for r in session.scalars(select(throttle.SignInThrottle))}
    assert counts == {"addr:203.0.113.7": 0}
    # The limit: the fifth reservation locks the name; the sixth is refused without counting.
    for i in range(throttle.USER_LIMIT):
        with session_scope(engine) as session:
            assert throttle.reserve(session, keys, now + timedelta(minutes=i)).allowed
    with session_scope(engine) as session:
        verdict = throttle.reserve(session, keys, now + timedelta(minutes=6))
    assert not verdict.allowed and verdict.locked
    with session_scope(engine) as session:
        assert session.get(throttle.SignInThrottle, keys[0]).failures == throttle.USER_LIMIT
