"""The email alerts page's reading and saving (#22 part 3): which events the signed-in user is
told of, whether the site can send email, and whether an address is held for them."""

from __future__ import annotations

from dataclasses import dataclass

from reporting.notifications import Event, describe_subscription
from settings import Settings
from store.db import Engine, reading, session_scope
from store.notifications import set_subscriptions, subscriptions
from store.users import find_user


@dataclass(frozen=True)
class AlertsState:
    events: list[Event]
    email: str | None
    mail_ready: bool

    @property
    def said(self) -> str:
        return describe_subscription(self.events, self.mail_ready)


def load(engine: Engine, settings: Settings, name: str) -> AlertsState:
    with reading(engine) as session:
        user = find_user(session, name)
        events = subscriptions(session, name) if user is not None else []
        return AlertsState(events, user.email if user is not None else None, settings.mail_ready)


def save(engine: Engine, settings: Settings, name: str, chosen: list[str] | None) -> AlertsState:
    """Make ``name``'s subscriptions the ticked events (unknown values from a hand-made request are ignored)."""
    wanted = [e for e in Event if e.value in set(chosen or [])]
    with session_scope(engine) as session:
        set_subscriptions(session, name, wanted, by=name)
    return load(engine, settings, name)
