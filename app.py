"""The cspdash web app: ``create_app(settings)`` builds it; ``python app.py`` serves it.

Pages live in ``dashboards/`` and register themselves with Dash Pages. Nothing touches the
database at import time: callbacks query through ``store/`` when they run.
"""

from __future__ import annotations

import dash
from dash import Dash, html

from settings import Settings


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="dashboards",
        title="cspdash – Community Safety Partnership performance",
        suppress_callback_exceptions=True,
        serve_locally=True,  # no CDN: works with no internet
    )
    app.server.config["CSPDASH_SETTINGS"] = settings
    from dashboards.access import install_access
    from dashboards.shell import page_shell

    install_access(app, settings)
    app.layout = page_shell(dash.page_container)
    return app


def main() -> None:
    settings = Settings.from_env()
    create_app(settings).run(host="127.0.0.1", port=8050, debug=False)


if __name__ == "__main__":
    main()
