"""One database session per web request (``store.db.request_scope``): opened when the request
first reads (the sign-in check, the shared cache's key, a page's or a download's figures) and
closed when it ends. Requests for scripts and images never touch the database."""

from __future__ import annotations

import flask

from store.db import RequestScope


def install_request_session(server: flask.Flask) -> None:
    """Before every other hook: the sign-in check already reads through this session."""

    def open_scope() -> None:
        flask.g.cspdash_db_scope = RequestScope()

    def close_scope(exc: BaseException | None) -> None:
        scope = flask.g.pop("cspdash_db_scope", None)
        if scope is not None:
            scope.close(failed=exc is not None)

    server.before_request_funcs.setdefault(None, []).insert(0, open_scope)
    server.teardown_request(close_scope)
