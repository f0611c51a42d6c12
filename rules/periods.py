"""UK financial-year periods: quarters, months and year-to-date spans.

The council reports by financial year (April to March): Q1 = Apr–Jun, Q2 = Jul–Sep,
Q3 = Oct–Dec, Q4 = Jan–Mar. The canonical quarter key is ``2016-17-Q3``; analysts also
write ``2016/17 Q3`` and ``Q3 2016/17``, so all three are accepted. Months are ``YYYY-MM``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Months in words, January first (calendar order, as ``YYYY-MM`` numbers them).
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_YEAR = r"(?P<y1>\d{4})\s*[-/]\s*(?P<y2>\d{2}|\d{4})"
_QUARTER_PATTERNS = [
    re.compile(rf"^{_YEAR}\s*[-\s]\s*Q(?P<q>[1-4])$", re.IGNORECASE),
    re.compile(rf"^Q(?P<q>[1-4])\s+{_YEAR}$", re.IGNORECASE),
]
_YEAR_PATTERN = re.compile(rf"^{_YEAR}$")
_MONTH_PATTERN = re.compile(r"^(?P<y>\d{4})-?(?P<m>\d{2})$")


class PeriodError(ValueError):
    """A period string that is not a recognised quarter, month or financial year."""


def _start_year(y1: str, y2: str, text: str) -> int:
    start = int(y1)
    end = int(y2) if len(y2) == 4 else (start // 100) * 100 + int(y2)
    if len(y2) == 2 and end < start:  # 1999-00 crosses a century
        end += 100
    if end != start + 1:
        raise PeriodError(f"{text!r}: a financial year runs over two consecutive years, like 2016-17")
    return start


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year starting 1 April ``start``."""

    start: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        match = _YEAR_PATTERN.match(text.strip())
        if not match:
            raise PeriodError(f"{text!r} is not a financial year; write it like 2016-17")
        return cls(_start_year(match["y1"], match["y2"], text))

    @property
    def key(self) -> str:
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    def quarters(self) -> list[Quarter]:
        return [Quarter(self.start, q) for q in (1, 2, 3, 4)]

    def months(self) -> list[str]:
        return [m for q in self.quarters() for m in q.months()]

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True, order=True)
class Quarter:
    """Quarter ``q`` (1–4) of the financial year starting in April ``year``."""

    year: int
    q: int

    def __post_init__(self) -> None:
        if self.q not in (1, 2, 3, 4):
            raise PeriodError(f"quarter must be 1 to 4, not {self.q}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        cleaned = text.strip()
        for pattern in _QUARTER_PATTERNS:
            match = pattern.match(cleaned)
            if match:
                return cls(_start_year(match["y1"], match["y2"], text), int(match["q"]))
        raise PeriodError(f"{text!r} is not a quarter; write it like 2016-17-Q3")

    @classmethod
    def of_month(cls, month: str) -> Quarter:
        year, mon = parse_month(month)
        if mon >= 4:
            return cls(year, (mon - 4) // 3 + 1)
        return cls(year - 1, 4)

    @property
    def key(self) -> str:
        return f"{self.financial_year.key}-Q{self.q}"

    @property
    def label(self) -> str:
        """How the report writes it: ``Q3 2016/17``."""
        return f"Q{self.q} {self.financial_year.label}"

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def months(self) -> list[str]:
        first = 4 + (self.q - 1) * 3  # Apr, Jul, Oct, Jan(13)
        out = []
        for offset in range(3):
            m = first + offset
            year, mon = (self.year, m) if m <= 12 else (self.year + 1, m - 12)
            out.append(f"{year:04d}-{mon:02d}")
        return out

    def previous(self) -> Quarter:
        """The quarter before; Q1's is Q4 of the year before."""
        return Quarter(self.year, self.q - 1) if self.q > 1 else Quarter(self.year - 1, 4)

    def next(self) -> Quarter:
        return Quarter(self.year, self.q + 1) if self.q < 4 else Quarter(self.year + 1, 1)

    def same_quarter_last_year(self) -> Quarter:
        return Quarter(self.year - 1, self.q)

    def ytd_quarters(self) -> list[Quarter]:
        """Quarters of this financial year up to and including this one."""
        return [Quarter(self.year, q) for q in range(1, self.q + 1)]

    def ytd_months(self) -> list[str]:
        return [m for q in self.ytd_quarters() for m in q.months()]

    def __str__(self) -> str:
        return self.key


def parse_month(text: str) -> tuple[int, int]:
    """``2016-10`` or ``201610`` → (2016, 10)."""
    match = _MONTH_PATTERN.match(str(text).strip())
    if not match or not 1 <= int(match["m"]) <= 12:
        raise PeriodError(f"{text!r} is not a month; write it like 2016-10")
    return int(match["y"]), int(match["m"])


def normalise_month(text: str) -> str:
    year, mon = parse_month(text)
    return f"{year:04d}-{mon:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), both included; [] if last < first."""
    year, mon = parse_month(first)
    end = parse_month(last)
    out = []
    while (year, mon) <= end:
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return out


def month_to_quarter(month: str) -> Quarter:
    return Quarter.of_month(month)


def is_month(text: str) -> bool:
    try:
        parse_month(text)
    except PeriodError:
        return False
    return True


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    out = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next()
    return out
