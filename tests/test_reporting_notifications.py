"""Telling people when a rating changes (#22 part 3), the rules: events subscribed to, what is
due (a digest at most hourly; overdue actions at once; nothing dropped), the message in text
and HTML, retry timing, and the mail server address. Pure: no database or mail server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reporting.notifications import (
    Event,
    Happening,
    NotificationError,
    describe_subscription,
    digest_message,
    due,
    next_attempt,
    parse_events,
    parse_smtp_url,
)

NOON = datetime(2017, 1, 20, 12, 0, tzinfo=UTC)


def happening(id: int, kind: Event, minutes: int = 0, summary: str = "CSP1, Havering, Q3 2016/17: Amber → Red") -> Happening:
    return Happening(id, kind, NOON + timedelta(minutes=minutes), summary, "/indicator/CSP1?period=2016-17-Q3")


def test_notifications_events_are_parsed_as_people_list_them() -> None:
    assert parse_events("Published, rating_changed; published") == [Event.PUBLISHED, Event.RATING_CHANGED]
    with pytest.raises(
        NotificationError, match="'ratings' is not an event; choose from published, rating_changed, special_cause, action_overdue"
    ):
        parse_events("ratings")
    with pytest.raises(NotificationError, match="name at least one event"):
        parse_events(" , ")


def test_notifications_a_digest_at_most_hourly_overdue_actions_at_once_nothing_dropped() -> None:
    pending = [
        happening(2, Event.RATING_CHANGED, 5),
        happening(1, Event.PUBLISHED),
        happening(3, Event.ACTION_OVERDUE, 6),
        happening(4, Event.SPECIAL_CAUSE, 7),
    ]
    subscribed = {Event.PUBLISHED, Event.RATING_CHANGED, Event.ACTION_OVERDUE}
    first = due(subscribed, pending, None, NOON + timedelta(minutes=10))
    assert [h.id for h in first.digest] == [1, 2] and [h.id for h in first.overdue] == [3]  # special cause: not subscribed
    soon = due(subscribed, pending, NOON + timedelta(minutes=10), NOON + timedelta(minutes=40))
    assert soon.digest == [] and [h.id for h in soon.overdue] == [3], "within the hour the digest waits; the events stay pending"
    later = due(subscribed, pending, NOON + timedelta(minutes=10), NOON + timedelta(minutes=70))
    assert [h.id for h in later.digest] == [1, 2]


def test_notifications_retry_waits_longer_each_time_up_to_six_hours() -> None:
    assert [next_attempt(n, NOON) - NOON for n in (1, 2, 3)] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
    ]
    assert next_attempt(20, NOON) - NOON == timedelta(hours=6)


def test_notifications_message_in_text_and_html_with_figures_and_a_link() -> None:
    message = digest_message(
        "Priya <lead>",
        [happening(1, Event.RATING_CHANGED, summary="CSP1: Amber → Red (12,874 against 12,400 & rising)")],
        "https://csp.example.org/",
    )
    assert message.subject == "Community safety performance: 1 change"
    assert (
        "- CSP1: Amber → Red (12,874 against 12,400 & rising)\n  https://csp.example.org/indicator/CSP1?period=2016-17-Q3\n"
        in message.text
    )
    assert "Hello Priya &lt;lead&gt;," in message.html and "12,400 &amp; rising" in message.html
    assert 'href="https://csp.example.org/indicator/CSP1?period=2016-17-Q3"' in message.html
    with pytest.raises(NotificationError):
        digest_message("Priya", [], "https://csp.example.org")


def test_notifications_the_mail_server_address() -> None:
    smtp = parse_smtp_url("smtp://alerts%40havering:s3cret@mail.example.org:587?starttls=true")
    assert (smtp.host, smtp.port, smtp.user, smtp.password, smtp.starttls, smtp.ssl) == (
        "mail.example.org",
        587,
        "alerts@havering",
        "s3cret",
        True,
        False,
    )
    assert "s3cret" not in repr(smtp)
    assert parse_smtp_url("smtps://mail.example.org").port == 465 and parse_smtp_url("smtp://127.0.0.1").port == 25
    for url, words in [
        ("http://mail.example.org", "must start smtp:// or smtps://"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.org:99999", "port must be a number"),
        ("smtp://mail.example.org?tls=1", "only starttls is understood"),
        ("smtp://u:pw@mail.example.org?starttls=maybe", "starttls must be true or false, not 'maybe'"),
    ]:
        with pytest.raises(NotificationError, match=words) as caught:
            parse_smtp_url(url)
        assert "pw" not in str(caught.value).replace("port", "")


def test_notifications_the_page_says_when_email_is_not_set_up() -> None:
    assert describe_subscription([Event.RATING_CHANGED], mail_ready=False).endswith(
        "Email is not set up on this site yet, so nothing is sent until it is."
    )
    assert (
        describe_subscription([Event.PUBLISHED], mail_ready=True)
        == "You will be emailed when a quarter is published (at most one summary an hour; overdue actions at once)."
    )
