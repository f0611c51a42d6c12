"""Telling people when it matters (#22 part 3), stored: subscriptions, events recorded when they
happen, and each user's delivery of each event. The rules (what is due, the message, the retry
schedule) are in ``reporting.notifications``; the sender is ``cspdash notify`` (``cli/notify.py``).

Where events are recorded:

* ``published``: by ``store.publishing.publish_quarter``, in the publishing transaction.
* ``rating_changed``: at the same point, comparing each rated indicator's rating in the version
  just published with the previous publication for the area (the previous version of the same
  quarter for a correction, else the latest earlier published quarter). Published ratings are the
  ones people act on, so a draft re-scored by a load tells nobody until it is signed off.
* ``special_cause``: after every load (``record_after_load``), when anyone subscribes to it: an
  indicator whose SPC chart for the home area shows special cause on its latest period, once
  per indicator and period.
* ``action_overdue``: ``cspdash notify`` first records each open corrective action past its
  due date (``record_overdue_actions``), once per action.

Recording never fails the work it follows: ``record_safely`` runs it in a savepoint, logs what
went wrong and goes on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from reporting.headlines import as_utc
from reporting.notifications import Event, Happening, NotificationError, next_attempt
from rules.periods import Quarter
from rules.rating import Rating, fmt_number
from store.actions import overdue_actions, partnerships_of
from store.audit import record_change
from store.db import session_scope
from store.models import Indicator, User
from store.notification_models import NotificationDelivery, NotificationEvent, NotificationSubscription
from store.partnerships import partnership_of
from store.users import get_user, roles_held, shown_name

log = logging.getLogger(__name__)
# The key of an event's details naming the partnership it is about (``record_event``).
PARTNERSHIP = "partnership"

# ----- subscriptions -------------------------------------------------------------------------


def subscriptions(session: Session, name: str) -> list[Event]:
    """The events user ``name`` subscribes to, in the order the enum lists them."""
    user = get_user(session, name)
    held = set(session.scalars(select(NotificationSubscription.event).where(NotificationSubscription.user_id == user.id)))
    return [e for e in Event if e.value in held]


def subscribe(
    session: Session, name: str, events: Iterable[Event], *, by: str = "cli", now: datetime | None = None
) -> list[Event]:
    """Add ``events`` to what ``name`` subscribes to (already there: kept). Returns them all."""
    user = get_user(session, name)
    before = subscriptions(session, user.name)
    added = [e for e in dict.fromkeys(events) if e not in before]
    for event in added:
        session.add(NotificationSubscription(user_id=user.id, event=event.value, created_at=now or datetime.now(UTC)))
    session.flush()
    if added:
        record_change(
            session, by, "subscribe", "user", user.name, {"old": [e.value for e in before], "new": [e.value for e in added]}
        )
    return subscriptions(session, user.name)


def unsubscribe(session: Session, name: str, events: Iterable[Event], *, by: str = "cli") -> list[Event]:
    """Stop telling ``name`` of ``events``. Returns what they still subscribe to."""
    user = get_user(session, name)
    before = subscriptions(session, user.name)
    gone = [e for e in dict.fromkeys(events) if e in before]
    if gone:
        session.execute(
            delete(NotificationSubscription).where(
                NotificationSubscription.user_id == user.id, NotificationSubscription.event.in_([e.value for e in gone])
            )
        )
        record_change(
            session, by, "unsubscribe", "user", user.name, {"old": [e.value for e in before], "removed": [e.value for e in gone]}
        )
    session.flush()
    return subscriptions(session, user.name)


def set_subscriptions(session: Session, name: str, events: Iterable[Event], *, by: str | None = None) -> list[Event]:
    """Make ``name``'s subscriptions exactly ``events`` (the page's tick boxes)."""
    wanted = list(dict.fromkeys(events))
    held = subscriptions(session, name)
    unsubscribe(session, name, [e for e in held if e not in wanted], by=by or name)
    return subscribe(session, name, wanted, by=by or name)


# ----- recording -----------------------------------------------------------------------------


def record_event(
    session: Session,
    kind: Event,
    *,
    summary: str,
    link: str,
    period: str | None = None,
    indicator: str | None = None,
    area: str | None = None,
    details: dict[str, Any] | None = None,
    once: bool = False,
    now: datetime | None = None,
    partnership: str | None = None,
) -> int | None:
    """Record that ``kind`` happened: ``summary`` says it with its figures, ``link`` is the path
    of the page that shows it (``/indicator/CSP1?period=2016-17-Q3&area=E09000016``). With
    ``once``, an event of the same kind, period, indicator and area already recorded is not
    recorded again (returns None). ``partnership``: whose indicator or quarter it is; only its
    members (and admins) are told (None: everyone subscribed). Returns the new event's id."""
    kind = Event(kind)
    if not summary.strip():
        raise NotificationError("an event needs a sentence saying what happened")
    if once:
        same = select(NotificationEvent.details).where(
            NotificationEvent.kind == kind.value,
            _is(NotificationEvent.period, period),
            _is(NotificationEvent.indicator, indicator),
            _is(NotificationEvent.area_code, area),
        )
        if any(_partnership_of_event(d) in (None, partnership) for d in session.scalars(same)):
            return None
    row = NotificationEvent(
        kind=kind.value, period=period, indicator=indicator, area_code=area,
        details=json.dumps(
            {**(details or {}), "summary": summary, "link": link, **({PARTNERSHIP: partnership} if partnership else {})},
            sort_keys=True, default=str,
        ),
        created_at=now or datetime.now(UTC),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def _partnership_of_event(details: str | None) -> str | None:
    """The partnership an event is about (None: recorded before partnerships, or about none)."""
    found = json.loads(details or "{}").get(PARTNERSHIP)
    return str(found) if found else None


def _at_partnership(link: str, partnership: str | None) -> str:
    """The page's address under its partnership (``/p/E09000016/indicator/…``): with several
    partnerships held, a plain address leads to the list of partnerships, not the page. Events
    recorded before partnerships keep their plain address, which reaches the only one."""
    return f"/p/{partnership}{link}" if partnership and not link.startswith("/p/") else link


def _is(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


def record_safely(session: Session, what: str, record: Callable[[], object]) -> None:
    """Run ``record`` in a savepoint of ``session``; if it fails, undo only it, log why and go on,
    so telling people never stops the upload or publish it follows."""
    try:
        with session.begin_nested():
            record()
    except Exception:
        log.exception("could not record the %s notification; the work itself went ahead", what)


@contextmanager
def _own_session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine) as session:
        yield session


def link_for(indicator: str | None, period: str | None, area: str | None) -> str:
    """The page showing an event: the indicator's page, or the scorecard, for that quarter and area."""
    query = "&".join(f"{k}={v}" for k, v in (("period", period), ("area", area)) if v)
    return (f"/indicator/{indicator}" if indicator else "/") + (f"?{query}" if query else "")


def record_published(
    session: Session, period: Quarter, area: str, document: dict[str, Any], previous: dict[str, Any] | None
) -> None:
    """``published`` for the version in ``document``, and ``rating_changed`` for each rated
    indicator whose rating differs from ``previous`` (the previous publication for the area)."""
    publication = document.get("publication") or {}
    version = int(publication.get("version") or 1)
    area_name = (document.get("area") or {}).get("name") or area
    counts = _rating_counts(document)
    said = ", ".join(f"{n} {r}" for r, n in counts.items() if n)
    summary = f"{area_name}, {period.label}: version {version} published by {publication.get('published_by', 'someone')}" + (
        f" ({said})" if said else ""
    )
    partnership = partnership_of(session, area)
    record_event(
        session, Event.PUBLISHED, summary=summary, link=link_for(None, period.key, area), period=period.key, area=area,
        details={"version": version, "ratings": counts}, partnership=partnership,
    )  # fmt: skip
    if previous is None:
        return
    before = {r.get("code"): r for r in previous.get("scorecard", []) if r.get("rated")}
    before_label = Quarter.parse(previous["period"]["key"]).label if previous.get("period") else "before"
    for row in document.get("scorecard", []):
        old = before.get(row.get("code"))
        if not row.get("rated") or old is None or (old.get("rag") or Rating.NO_DATA) == (row.get("rag") or Rating.NO_DATA):
            continue
        figures = _figures(row)
        summary = (
            f"{row['code']} {row.get('name', '')}, {area_name}, {period.label}: {old.get('rag')} ({before_label}) → {row.get('rag')}"
            + (f" ({figures})" if figures else "")
        )
        record_event(
            session, Event.RATING_CHANGED, summary=summary, link=link_for(row["code"], period.key, area), period=period.key,
            indicator=row["code"], area=area, partnership=partnership,
            details={"old": old.get("rag"), "new": row.get("rag"), "actual": row.get("actual"), "compared_with": before_label},
        )  # fmt: skip


def _rating_counts(document: dict[str, Any]) -> dict[str, int]:
    counts = {r.value: 0 for r in (Rating.RED, Rating.AMBER, Rating.GREEN)}
    for row in document.get("scorecard", []):
        if row.get("rated") and row.get("rag") in counts:
            counts[row["rag"]] += 1
    return counts


def _figures(row: dict[str, Any]) -> str:
    """ "12,874 against a target of 12,400" from a document row (what can be said)."""
    actual = row.get("actual")
    if not isinstance(actual, int | float):
        return ""
    unit = "%" if row.get("unit") in ("%", "percent", "percentage") else ""
    target = row.get("target") or {}
    value = target.get("target") if isinstance(target, dict) else None
    against = f" against a target of {fmt_number(value)}{unit}" if isinstance(value, int | float) else ""
    return f"{fmt_number(actual)}{unit}{against}"


def previous_publication(session: Session, period: Quarter, area: str) -> dict[str, Any] | None:
    """The publication a new version of ``period`` is compared with: its own latest version if it
    has one, else the latest earlier published quarter for ``area``."""
    from store.published import published_document, published_quarters

    own = published_document(session, period, area)
    if own is not None:
        return own
    earlier = [q for q, a in published_quarters(session) if a == area and q < period]
    return published_document(session, earlier[-1], area) if earlier else None


def record_special_causes(session: Session, area: str, now: datetime | None = None) -> int:
    """``special_cause`` for each indicator whose SPC chart for ``area`` shows special cause on its
    latest period (limits no longer provisional), once per indicator, area and period. Returns
    how many were recorded."""
    from rules.spc import RULE_WORDS, VARIATION_WORDS, Variation
    from store.areas import AreaTree
    from store.spc_series import SpcUnavailable, indicator_spc, natural_by

    tree = AreaTree.load(session)
    if area not in tree.by_code:
        return 0
    recorded = 0
    partnership = partnership_of(session, area)
    own = select(Indicator).where(Indicator.partnership_code == partnership)
    for indicator in session.scalars(own.order_by(Indicator.code)):
        try:
            chart = indicator_spc(session, indicator, area, natural_by(indicator), tree=tree)
        except SpcUnavailable:
            continue
        last = chart.result.points[-1] if chart.result.points else None
        if last is None or last.special_cause is None or chart.result.provisional:
            continue
        words = VARIATION_WORDS.get(Variation(last.point_type.value), "special cause") if last.point_type.value != "none" else ""
        summary = (
            f"{indicator.code} {indicator.name}, {tree.name(area)}, {last.period}: {fmt_number(last.value)} is "
            f"{RULE_WORDS[last.special_cause]}" + (f" ({words})" if words else "")
        )
        quarter = Quarter.of_month(last.period).key if chart.by == "month" else last.period
        if record_event(
            session, Event.SPECIAL_CAUSE, summary=summary, link=link_for(indicator.code, quarter, area), period=last.period,
            indicator=indicator.code, area=area, once=True, now=now, partnership=partnership,
            details={"value": last.value, "rule": last.special_cause.value, "type": last.point_type.value, "by": chart.by},
        ) is not None:  # fmt: skip
            recorded += 1
    return recorded


def record_after_load(engine: Engine, home_area: str) -> None:
    """After a load is committed: record special cause on the latest period, in its own
    transaction, when anyone subscribes to it (an event is only sent to those subscribed when it
    was recorded); a failure is logged and the load stands."""
    try:
        with _own_session(engine) as session:
            wanted = select(NotificationSubscription.id).where(NotificationSubscription.event == Event.SPECIAL_CAUSE.value)
            if session.scalar(wanted.limit(1)) is None:
                return  # nobody would be told: charting every indicator would be wasted
            record_safely(session, "special cause", lambda: record_special_causes(session, home_area))
    except Exception:
        log.exception("could not record special-cause notifications after a load")


def record_overdue_actions(session: Session, now: datetime) -> int:
    """Record an ``action_overdue`` event for each open corrective action due before ``now``'s
    day, once per action (its indicator, area and quarter, and its id in the details); returns
    how many were new."""
    told = {
        json.loads(details).get("action_id")
        for details in session.scalars(
            select(NotificationEvent.details).where(NotificationEvent.kind == Event.ACTION_OVERDUE.value)
        )
    }
    recorded = 0
    overdue = overdue_actions(session, now.date())
    whose = partnerships_of(session, [a.id for a in overdue if a.id is not None])
    for action in overdue:
        if action.id in told:
            continue  # one notice per action, however long it stays overdue
        due = f"{action.due_date.day} {action.due_date:%B %Y}" if action.due_date else ""
        owner = f" ({action.owner})" if action.owner else ""
        summary = f"{action.indicator_code} {action.period}: corrective action overdue since {due}{owner}: {action.text}"
        link = f"/indicator/{action.indicator_code}?period={action.period}&area={action.area_code}"
        record_event(
            session, Event.ACTION_OVERDUE, summary=summary, link=link, period=action.period,
            indicator=action.indicator_code, area=action.area_code, details={"action_id": action.id}, now=now,
            partnership=whose.get(action.id) if action.id is not None else None,
        )  # fmt: skip
        recorded += 1
    return recorded


# ----- delivery ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    user_id: int
    name: str
    shown: str
    email: str | None
    subscribed: set[Event]
    since: dict[Event, datetime]  # when each subscription began: older events are not sent
    last_digest: datetime | None
    # The partnerships whose events they are told of: those they hold a role in; None: every one
    # (an admin, or while no partnership is held).
    partnerships: frozenset[str] | None = None

    def told_of(self, partnership: str | None) -> bool:
        return partnership is None or self.partnerships is None or partnership in self.partnerships


def recipients(session: Session) -> list[Recipient]:
    """Active users with at least one subscription, with when they were last sent a digest."""
    subs = session.execute(
        select(NotificationSubscription.user_id, NotificationSubscription.event, NotificationSubscription.created_at)
    ).all()
    by_user: dict[int, dict[Event, datetime]] = {}
    for user_id, event, created in subs:
        by_user.setdefault(user_id, {})[Event(event)] = as_utc(created)
    if not by_user:
        return []
    users = session.scalars(select(User).where(User.id.in_(by_user), User.active.is_(True)).order_by(User.name)).all()
    last = dict(
        session.execute(
            select(NotificationDelivery.user_id, func.max(NotificationDelivery.sent_at))
            .join(NotificationEvent, NotificationEvent.id == NotificationDelivery.event_id)
            .where(NotificationEvent.kind != Event.ACTION_OVERDUE.value, NotificationDelivery.sent_at.is_not(None))
            .group_by(NotificationDelivery.user_id)
        ).all()
    )
    return [
        Recipient(u.id, u.name, shown_name(u, u.name), u.email, set(by_user[u.id]), by_user[u.id],
                  as_utc(last[u.id]) if last.get(u.id) else None, _told_of(session, u))
        for u in users
    ]  # fmt: skip


def _told_of(session: Session, user: User) -> frozenset[str] | None:
    held = roles_held(session, user)
    return None if user.role == "admin" or held is None else frozenset(code for code, _ in held)


def pending(session: Session, recipient: Recipient, now: datetime) -> list[Happening]:
    """Events ``recipient`` subscribes to, recorded since they subscribed, not yet sent to them,
    and not waiting for a retry later than ``now``."""
    deliveries = {
        d.event_id: d
        for d in session.scalars(select(NotificationDelivery).where(NotificationDelivery.user_id == recipient.user_id))
    }
    since = min(recipient.since.values())
    rows = session.scalars(
        select(NotificationEvent)
        .where(NotificationEvent.kind.in_([e.value for e in recipient.subscribed]), NotificationEvent.created_at >= since)
        .order_by(NotificationEvent.created_at, NotificationEvent.id)
    ).all()
    out: list[Happening] = []
    for row in rows:
        kind = Event(row.kind)
        if as_utc(row.created_at) < recipient.since[kind] or not recipient.told_of(_partnership_of_event(row.details)):
            continue  # from before they subscribed, or about a partnership they hold no role in
        done = deliveries.get(row.id)
        if done is not None and (done.sent_at is not None or (done.next_try is not None and as_utc(done.next_try) > now)):
            continue
        details = json.loads(row.details or "{}")
        link = _at_partnership(str(details.get("link", "/")), _partnership_of_event(row.details))
        out.append(Happening(row.id, kind, as_utc(row.created_at), str(details.get("summary", "")), link))
    return out


def _delivery(session: Session, user_id: int, event_id: int) -> NotificationDelivery:
    row = session.scalar(
        select(NotificationDelivery).where(NotificationDelivery.user_id == user_id, NotificationDelivery.event_id == event_id)
    )
    if row is None:
        row = NotificationDelivery(user_id=user_id, event_id=event_id, attempts=0, last_error="")
        session.add(row)
    return row


def mark_sent(session: Session, user_id: int, event_ids: Iterable[int], now: datetime) -> None:
    for event_id in event_ids:
        row = _delivery(session, user_id, event_id)
        row.sent_at, row.attempts, row.next_try = now, (row.attempts or 0) + 1, None
    session.flush()


def mark_failed(session: Session, user_id: int, event_ids: Iterable[int], error: str, now: datetime) -> datetime | None:
    """Keep the events unsent, with the error and when to try again. Returns that time."""
    when: datetime | None = None
    for event_id in event_ids:
        row = _delivery(session, user_id, event_id)
        row.attempts = (row.attempts or 0) + 1
        row.last_error = error[:2000]
        row.next_try = when = next_attempt(row.attempts, now)
    session.flush()
    return when


@dataclass(frozen=True)
class DeliveryState:
    event_id: int
    kind: str
    sent_at: datetime | None
    attempts: int
    next_try: datetime | None
    last_error: str


def deliveries(session: Session, name: str) -> list[DeliveryState]:
    """What was sent to ``name`` or tried and failed, oldest first."""
    user = get_user(session, name)
    rows = session.execute(
        select(NotificationDelivery, NotificationEvent.kind)
        .join(NotificationEvent, NotificationEvent.id == NotificationDelivery.event_id)
        .where(NotificationDelivery.user_id == user.id)
        .order_by(NotificationDelivery.event_id)
    ).all()
    return [
        DeliveryState(d.event_id, kind, as_utc(d.sent_at) if d.sent_at else None, d.attempts,
                      as_utc(d.next_try) if d.next_try else None, d.last_error)
        for d, kind in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class RecordedEvent:
    id: int
    kind: Event
    period: str | None
    indicator: str | None
    area: str | None
    summary: str
    link: str
    created_at: datetime


def recorded_events(session: Session, kind: Event | None = None) -> list[RecordedEvent]:
    query = select(NotificationEvent).order_by(NotificationEvent.id)
    if kind is not None:
        query = query.where(NotificationEvent.kind == kind.value)
    out = []
    for row in session.scalars(query):
        details = json.loads(row.details or "{}")
        out.append(
            RecordedEvent(row.id, Event(row.kind), row.period, row.indicator, row.area_code, str(details.get("summary", "")),
                          str(details.get("link", "/")), as_utc(row.created_at))
        )  # fmt: skip
    return out


__all__ = [
    "DeliveryState", "Recipient", "RecordedEvent", "deliveries", "link_for", "mark_failed", "mark_sent",
    "record_overdue_actions", "pending", "previous_publication", "recipients", "record_after_load", "record_event",
    "record_published", "record_safely", "record_special_causes", "recorded_events", "set_subscriptions", "subscribe",
    "subscriptions", "unsubscribe",
]  # fmt: skip
