"""The text of a quarter's committee pack that is not figures (issue 20 part 3): who wrote the
report and how to reach them, the lead officer, the implications and risks, and the background
papers, as Havering's report (Agenda Item 9, 17 January 2017) gives them.

Each is stored per area and quarter (``store.pack_sections``) where an analyst wrote one; a field
left empty takes the setting (contact details) or the default wording below (sections).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The contact fields fall back on settings; the sections on the wording below.
CONTACT_FIELDS = ("author_name", "author_role", "author_email", "author_phone", "lead_officer")
SECTION_FIELDS = ("financial", "legal", "human_resources", "equalities", "background_papers")
FIELDS = CONTACT_FIELDS + SECTION_FIELDS
LONGEST = 4_000  # characters in one field

LABELS = {
    "author_name": "Report author",
    "author_role": "Author's role",
    "author_email": "Author's email",
    "author_phone": "Author's phone",
    "lead_officer": "Lead officer",
    "financial": "Financial implications and risks",
    "legal": "Legal implications and risks",
    "human_resources": "Human resources implications and risks",
    "equalities": "Equalities implications and risks",
    "background_papers": "Background papers",
}

DEFAULT_FINANCIAL = (
    "Adverse performance against some indicators may have financial implications for the partnership, particularly "
    "where targets are explicitly linked with particular funding streams (for example the Mayor's Office for Policing "
    "and Crime fund). Whilst it is expected that targets will be delivered within existing resources, officers "
    "regularly review the level and prioritisation of resources required to achieve the targets agreed at the start "
    "of the year."
)
DEFAULT_LEGAL = (
    "Whilst reporting on performance is not a statutory requirement, it is considered best practice to review the "
    "partnership's progress against its plan on a regular basis."
)
DEFAULT_HUMAN_RESOURCES = "There are no specific human resources implications and risks."
DEFAULT_BACKGROUND_PAPERS = "None."


def default_equalities(red_names: Sequence[str]) -> str:
    """Havering's wording: the Red indicators could have equality implications."""
    if not red_names:
        return "No indicator is rated Red this quarter; there are no specific equalities implications and risks."
    which = "indicator rated Red" if len(red_names) == 1 else "indicators rated Red"
    return (
        f"The following {which} could potentially have equality and social inclusion implications for a number of "
        f"different social groups if performance does not improve: {'; '.join(red_names)}. The commentary for "
        f"{'this indicator' if len(red_names) == 1 else 'these indicators'} gives further detail on the steps that will "
        "be taken to improve performance and mitigate these potential inequalities."
    )


@dataclass(frozen=True)
class PackText:
    """What an analyst wrote for one area and quarter; "" is "not written" (the default applies)."""

    author_name: str = ""
    author_role: str = ""
    author_email: str = ""
    author_phone: str = ""
    lead_officer: str = ""
    financial: str = ""
    legal: str = ""
    human_resources: str = ""
    equalities: str = ""
    background_papers: str = ""

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)

    @property
    def empty(self) -> bool:
        return not any(self.as_dict().values())

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> PackText:
        """From a form or a stored document: unknown keys ignored, values trimmed, None as ""."""
        data = data or {}
        return cls(**{name: " ".join(str(data.get(name) or "").split()) if name in CONTACT_FIELDS else
                      str(data.get(name) or "").strip().replace("\r\n", "\n") for name in FIELDS})  # fmt: skip


def problems(text: PackText) -> list[tuple[str, str]]:
    """(field, message) for each field that cannot be stored as given."""
    found = []
    for name, value in text.as_dict().items():
        if len(value) > LONGEST:
            found.append((name, f"{LABELS[name]} is {len(value):,} characters long: keep it to {LONGEST:,}."))
    email = text.author_email
    if email and ("@" not in email or " " in email or email.startswith("@") or email.endswith("@")):
        found.append(("author_email", f"{LABELS['author_email']} {email!r} is not an email address, like name@council.gov.uk."))
    return found
