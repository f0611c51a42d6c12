"""The WSGI application for any WSGI server: ``gunicorn wsgi:server`` (what ``cspdash serve``
runs), uWSGI, mod_wsgi… Settings come from the environment, as for the CLI."""

from __future__ import annotations

from app import create_app

app = create_app()
server = app.server
