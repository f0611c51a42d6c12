"""The read-only public API, ``/api/v1/…``: the dashboard's figures as JSON or CSV for a
council's Power BI, an LG Inform Plus upload or an open-data portal.

``routes`` serves what ``views.api`` gives (one database session per request), with the
pages' access rules; ``openapi`` describes it (``/api/v1/openapi.json``).
"""
