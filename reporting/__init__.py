"""Reporting rules and workflow: scoring over already-loaded series, the publishing state
machine with its readiness and role rules, revisions, the published document and the
sentences that say where a quarter stands. Pure Python: it imports only ``rules``; ``store``
loads what it needs and calls it, and raises its typed errors."""
