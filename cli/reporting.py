"""Read-only commands: uploads, counts, score."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    pass
