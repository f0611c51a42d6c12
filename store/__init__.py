"""Persistence: typed SQLAlchemy models, engine/session set-up and queries. No Dash here."""
