"""Running the app for real: the production server, health check, security headers,
compression, the shared cache and limits on expensive work. ``install_serving`` wires them
into the Flask server behind the Dash app; ``web.serving.gunicorn_server`` runs it."""

from __future__ import annotations

from dash import Dash

from settings import Settings


def install_serving(app: Dash, settings: Settings) -> None:
    """After ``install_access``: its sign-in check must run before the cache is consulted."""
    from store.db import configure_timeouts
    from web.serving.cache import install_cache
    from web.serving.compression import install_compression
    from web.serving.exports import install_export_limits
    from web.serving.headers import install_security_headers
    from web.serving.health import register_health
    from web.serving.memory import install_memory_release
    from web.serving.secret import install_shared_secret
    from web.serving.unavailable import install_unavailable
    from web.serving.url_check import install_url_check

    configure_timeouts(settings.db_connect_timeout, settings.db_statement_timeout)
    server = app.server
    install_url_check(server)  # first of the request hooks, whatever was installed before
    install_unavailable(server)  # a silent database: 503 and one sentence, not a 500
    install_shared_secret(server, settings)
    register_health(server)
    # Flask runs after-request hooks last-registered first: the cache must keep a response
    # before headers are added and it is compressed, so it is installed after those.
    install_compression(server)
    install_security_headers(app, settings)
    install_cache(app, settings)
    install_export_limits(server, settings)
    install_memory_release(server)  # a worker returns to its size after an upload
    if settings.proxy_count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address (for sign-in throttling) and https (for secure cookies) as the
        # proxy saw them; only the last ``proxy_count`` hops are believed.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxy_count, x_proto=settings.proxy_count, x_host=0)
