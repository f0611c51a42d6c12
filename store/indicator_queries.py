"""Indicators and their targets as the targets pages and the CLI read them: whether any
indicator is held, which years hold targets, the indicators in use in the targets overview's
order, and every indicator's target rows in one query (not one per indicator). The rows go
to ``store.scorecard.score_indicator`` as the scorecard gives them."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Area, Indicator, Target


def any_indicators(session: Session) -> bool:
    """Whether any indicator is held (retired ones too): the demo loads only into an empty store."""
    return bool(session.scalar(select(func.count()).select_from(Indicator)))


def target_years_held(session: Session, partnership: str | None = None) -> set[str]:
    """Financial year keys (``2016-17``) any target of the partnership (None: the one in force) is set for."""
    from store.partnerships import partnership_in_force

    own = Target.partnership_code == partnership_in_force(session, partnership)
    return set(session.scalars(select(Target.year).where(own).distinct()))


def indicator_codes(session: Session, partnership: str | None = None) -> set[str]:
    """Every indicator code held, retired ones included: the partnership's, or every partnership's."""
    held = select(Indicator.code)
    if partnership is not None:
        held = held.where(Indicator.partnership_code == partnership)
    return set(session.scalars(held))


def indicator_by_code(session: Session, code: str, partnership: str | None = None) -> Indicator | None:
    """The indicator ``code`` of the partnership given, or of the one in force."""
    from store.partnerships import partnership_in_force  # store.partnerships imports the models, as this does

    held = partnership_in_force(session, partnership)
    return session.scalars(select(Indicator).where(Indicator.partnership_code == held, Indicator.code == code)).first()


def area_held(session: Session, code: str) -> bool:
    return session.get(Area, code) is not None


def indicators_rated_first(session: Session, partnership: str | None = None) -> list[Indicator]:
    """The partnership's indicators in use (not retired): rated first, then by code."""
    from store.partnerships import partnership_in_force

    own = Indicator.partnership_code == partnership_in_force(session, partnership)
    in_use = select(Indicator).where(own, Indicator.retired_at.is_(None))
    return list(session.scalars(in_use.order_by(Indicator.rated.desc(), Indicator.code)))


def targets_of(session: Session, code: str, partnership: str | None = None) -> list[Target]:
    """Every target row of one of the partnership's indicators (all years, quarters and areas)."""
    from store.partnerships import partnership_in_force

    own = Target.partnership_code == partnership_in_force(session, partnership)
    return list(session.scalars(select(Target).where(own, Target.indicator_code == code)))


def targets_by_indicator(session: Session, codes: list[str], partnership: str | None = None) -> dict[str, list[Target]]:
    """Every target row of each of the partnership's ``codes``, in one query; an indicator without
    targets maps to []."""
    from store.partnerships import partnership_in_force

    out: dict[str, list[Target]] = defaultdict(list)
    if codes:
        own = Target.partnership_code == partnership_in_force(session, partnership)
        for row in session.scalars(select(Target).where(own, Target.indicator_code.in_(codes))):
            out[row.indicator_code].append(row)
    return {code: out.get(code, []) for code in codes}
