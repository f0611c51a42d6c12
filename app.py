"""The cspdash web app: ``create_app(settings)`` builds it; ``cspdash serve`` serves it with
gunicorn (``wsgi:server`` is the WSGI application for any other server); ``python app.py``
runs Flask's development server, for development only.

Pages live in ``dashboards/`` and register themselves with Dash Pages. Nothing touches the
database at import time: callbacks query through ``store/`` when they run.
"""

from __future__ import annotations

import logging

from dash import Dash

from settings import Settings

# Dash's default page, with the document language set (screen readers pronounce English
# correctly) and the scripts in a plain <div>: the default wraps them in a second <footer>,
# which is a duplicate "contentinfo" landmark next to ours.
INDEX_STRING = """<!DOCTYPE html>
<html lang="en-GB">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    from web.addresses import PartnershipDash

    app = PartnershipDash(
        __name__,
        use_pages=True,
        pages_folder="dashboards",
        title="cspdash – Community Safety Partnership performance",
        suppress_callback_exceptions=True,
        serve_locally=True,  # no CDN: works with no internet
        index_string=INDEX_STRING,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        enable_mcp=False,  # Dash's /_mcp endpoint would bypass the page's role checks
    )
    app.server.config["CSPDASH_SETTINGS"] = settings
    from web.access import install_access
    from web.api.routes import register_api
    from web.embed import register_export_routes
    from web.parts.embed_panel import register_embed_callbacks
    from web.parts.first_view import page_container
    from web.parts.publishing import register_publishing_callbacks
    from web.parts.shell import page_shell, register_shell_callbacks
    from web.serving import install_serving
    from web.serving.request_session import install_request_session

    install_request_session(app.server)  # one database session per request, for every hook after it
    install_access(app, settings)
    install_serving(app, settings)  # key, /healthz, cache, limits, headers, compression
    register_export_routes(app.server)  # /export/… downloads and /embed/… views
    register_api(app.server)  # /api/v1/… read-only JSON and CSV
    # A function, so each page load's layout already holds that page (web/parts/first_view.py).
    app.layout = lambda: page_shell(page_container(app))
    register_shell_callbacks(app, _home_area_name)
    register_publishing_callbacks(app)  # the scorecard's submit / publish / re-open
    register_embed_callbacks(app)  # the embed panels' "check a site"
    return app


def _home_area_name() -> str:
    """The partnership's area for the header; blank rather than an error if the database
    is unreachable (the page itself will say what is wrong)."""
    from views.data import area_label
    from web.parts.context import current_settings

    settings = current_settings()
    try:
        return area_label(settings.database_url, settings.home_area)
    except Exception:
        logging.getLogger(__name__).exception("could not read the home area's name")
        return ""


def main() -> None:
    settings = Settings.from_env()
    create_app(settings).run(host="127.0.0.1", port=8050, debug=False)


if __name__ == "__main__":
    main()
