"""Telling people when it matters (#22 part 3): who subscribes to which event, the events
recorded when they happen, and each user's delivery of each event (sent, or how often it failed
and when it is tried again). Imported by ``store.models`` so Alembic and ``Base.metadata`` see
these tables.

An event is never deleted when it is sent: a delivery row per user says it was. A failed send
keeps its delivery row unsent with the error and the next try, so nothing is lost.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base


class NotificationSubscription(Base):
    """User ``user_id`` wants to be told of events of kind ``event`` (reporting.notifications.Event)."""

    __tablename__ = "notification_subscription"
    __table_args__ = (UniqueConstraint("user_id", "event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NotificationEvent(Base):
    """Something that happened: a quarter published, a rating changed, special cause on the latest
    month, a corrective action overdue. ``details`` is JSON: the sentence with its figures
    (``summary``), the page that shows it (``link``) and what it was worked out from."""

    __tablename__ = "notification_event"
    __table_args__ = (Index("ix_notification_event_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(10), nullable=True)  # 2016-17-Q3 or 2016-12
    indicator: Mapped[str | None] = mapped_column(String(32), nullable=True)
    area_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    details: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NotificationDelivery(Base):
    """One user's delivery of one event: ``sent_at`` once sent; until then the failed
    ``attempts``, the ``last_error`` and when to try again (``next_try``)."""

    __tablename__ = "notification_delivery"
    __table_args__ = (UniqueConstraint("user_id", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("notification_event.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_try: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")
