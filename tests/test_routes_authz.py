"""Every Flask route and every Dash callback, listed and classified: each one that writes is
refused to anonymous visitors and viewers (by the request filter *and* by the callback's own
check), and each one that only reads changes nothing whoever calls it. A new route or
callback fails here until it is classified."""

from __future__ import annotations

import importlib
import inspect
import json

import pytest
from sqlalchemy import func, select

from store.data_version import data_version
from store.db import session_scope
from store.models import ChangeLog
from store.users import has_role
from tests.conftest import add_web_user, make_web_app, table_counts, web_sign_in
from web import access

# Routes that accept anything but GET, and the methods they accept.
WRITE_ROUTES = {"/_dash-update-component": {"POST"}, "/login": {"GET", "POST"}, "/logout": {"GET", "POST"}}
# Every GET route, with a request that exercises it.
READ_ROUTES = {
    "/static/<path:filename>": "/static/none.txt",
    "/assets/<path:filename>": "/assets/cspdash.css",
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": "/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m1.12.1.min.js",
    "/_dash-layout": "/_dash-layout",
    "/_dash-dependencies": "/_dash-dependencies",
    "/_reload-hash": "/_reload-hash",
    "/_favicon.ico": "/_favicon.ico",
    "/": "/?period=2016-17-Q3",
    "/<path:path>": "/upload",
    "/healthz": "/healthz",
    "/export/chart/<code>.<any(png, svg):fmt>": "/export/chart/NONE.svg?period=2016-17-Q3",
    "/export/map.<any(png, svg, csv, xlsx):fmt>": "/export/map.csv?period=2016-17-Q3",
    "/export/ward/<code>.<any(png, svg, csv, xlsx):fmt>": "/export/ward/E05000306.csv?period=2016-17-Q3",
    "/export/london.<any(png, svg, csv, xlsx):fmt>": "/export/london.csv?period=2016-17-Q3",
    "/export/demand.<any(png, svg, csv, xlsx):fmt>": "/export/demand.csv?period=2016-17-Q3",
    "/export/summary.<any(png, svg, csv, xlsx):fmt>": "/export/summary.csv?period=2016-17-Q3",
    "/export/data/<code>.<any(csv, xlsx):fmt>": "/export/data/CSP1.csv?period=2016-17-Q3",
    "/export/pack.<any(docx, pdf, html):fmt>": "/export/pack.html?period=2016-17-Q3&area=NOWHERE",
    "/embed/plotly-<version>.min.js": "/embed/plotly-0.0.0.min.js",
    "/embed/indicator/<code>": "/embed/indicator/CSP1?period=2016-17-Q3",
    "/embed/map": "/embed/map?period=2016-17-Q3",
    "/api/v1/openapi.json": "/api/v1/openapi.json",
    "/api/v1/scorecard": "/api/v1/scorecard?period=2016-17-Q3&format=csv",
    "/api/v1/indicators": "/api/v1/indicators",
    "/api/v1/indicators/<code>/series": "/api/v1/indicators/CSP1/series",
    "/api/v1/counts": "/api/v1/counts?source=crime&by=quarter",
    "/api/v1/areas": "/api/v1/areas",
    "/api/v1/actions": "/api/v1/actions?period=2016-17-Q3",
    "/api/v1/<path:unknown>": "/api/v1/nothing-here",
    "/api/v1/": "/api/v1/",
}
# Server-side callbacks that write (store data, or run a load even as a dry run), by function.
WRITE_CALLBACKS = {
    "dashboards.upload.show_kind_help": "analyst", "dashboards.upload.check": "analyst", "dashboards.upload.confirm": "analyst",
    "dashboards.upload.ask_about_missing": "analyst",
    "dashboards.targets.save": "analyst", "dashboards.targets.save_break": "analyst", "web.parts.publishing.submit": "analyst",
    "dashboards.indicator.save_baseline": "analyst",
    "dashboards.targets.save_annual": "analyst", "dashboards.targets.show_annual_quarters": "analyst",
    # Choosing one's own email alerts needs someone signed in: refused to anonymous visitors.
    "dashboards.alerts.save": "viewer",
    "dashboards.targets.save_pack_text": "analyst",  # the pack's words for a quarter (issue 20 part 3)
    # Signing off a quarter (and re-opening it) needs a lead: refused to analysts too.
    "web.parts.publishing.publish": "lead", "web.parts.publishing.reopen": "lead",
    # How far publishing has got: only for whoever may publish.
    "web.parts.publishing.poll": "lead",
    # How far an upload's load has got: only for whoever may load.
    "dashboards.upload.show_progress": "analyst",
}  # fmt: skip
READ_CALLBACKS = {
    "web.parts.shell._area", "web.parts.shell._keep_choices", "dashboards.ward_map.draw", "dash.dash.update",
    "web.parts.embed_panel.check_site",
}  # fmt: skip
# What a module must not use for its callbacks to count as read-only.
WRITERS = ("save_target", "save_commentary", "save_annotation", "delete_annotation", "load_file", "run_load", "load_upload", "check_upload", "record_change",
           "add_user", "set_role", "set_password", "set_active", "bump_data_version", "bump_partnership_version", "form.save", "session.add(")  # fmt: skip


@pytest.fixture
def web(demo_engine, database_url):
    add_web_user(demo_engine, "vic", "viewer")
    app = make_web_app(database_url)
    app.server.test_client().get("/_dash-dependencies")  # Dash fills callback_map on its first request
    return app


def _state(engine) -> tuple:
    with session_scope(engine) as session:
        changes = session.scalar(select(func.count()).select_from(ChangeLog))
    return table_counts(engine), changes, data_version(engine)


def _callbacks(app) -> dict[str, tuple[str, object, dict]]:
    """output key → (module.function, function, spec) for every server-side callback."""
    found = {}
    for key, spec in app.callback_map.items():
        function = spec.get("callback")
        if function is None:
            continue  # clientside: runs in the browser, never on the server
        found[key] = (f"{function.__module__}.{function.__name__}", function, spec)
    return found


def _body(key: str, spec: dict) -> dict:
    def parts(text: str) -> list[str]:
        return text[2:-2].split("...") if text.startswith("..") else [text]

    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts(key)]
    inputs = [{"id": i["id"], "property": i["property"], "value": 1} for i in spec["inputs"]]
    state = [{"id": s["id"], "property": s["property"], "value": None} for s in spec.get("state", [])]
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0], "inputs": inputs,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"], "state": state}  # fmt: skip


def test_routes_every_flask_route_is_classified(web):
    seen = set()
    for rule in web.server.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        seen.add(rule.rule)
        if methods != {"GET"}:
            assert WRITE_ROUTES.get(rule.rule) == methods, f"{rule.rule} accepts {methods}: classify it in this test"
        else:
            assert rule.rule in READ_ROUTES, f"new GET route {rule.rule}: add it to READ_ROUTES"
    assert not any(r.startswith("/_mcp") for r in seen)  # Dash's MCP endpoint stays off


def test_routes_every_callback_is_classified_and_checks_its_own_role(web):
    callbacks = _callbacks(web)
    names = {name for name, _, _ in callbacks.values()}
    assert names == set(WRITE_CALLBACKS) | READ_CALLBACKS, "a new callback: classify it in this test"
    for key, (name, function, _) in callbacks.items():
        if name in WRITE_CALLBACKS:
            role = WRITE_CALLBACKS[name]
            assert getattr(function, "cspdash_role", None) == role, f"{name} does not check the role itself"
            assert access.required_role({"output": key}) == role, f"{name} writes outside the protected ids"
        else:
            source = inspect.getsource(importlib.import_module(function.__module__))
            assert not [w for w in WRITERS if w in source], f"{name} is classed as read-only but its module writes"


@pytest.mark.parametrize("who", ["anonymous", "viewer", "analyst"])
@pytest.mark.parametrize("filter_on", [True, False], ids=["request filter", "callback's own check"])
def test_routes_every_write_callback_is_refused(web, demo_engine, monkeypatch, who, filter_on):
    if not filter_on:  # prove the callback refuses even if the output-id filter missed it
        monkeypatch.setattr(access, "PROTECTED_PREFIXES", {})
    client = web.server.test_client()
    if who != "anonymous":
        add_web_user(demo_engine, "pat", "analyst")
        assert web_sign_in(client, {"viewer": "vic", "analyst": "pat"}[who]).status_code == 302
    before = _state(demo_engine)
    writes = [(key, spec, WRITE_CALLBACKS[name]) for key, (name, _, spec) in _callbacks(web).items() if name in WRITE_CALLBACKS]
    assert len(writes) == len(WRITE_CALLBACKS)
    signed_in_as = {"anonymous": None, "viewer": "viewer", "analyst": "analyst"}[who]
    refused = [(key, spec, role) for key, spec, role in writes if not has_role(signed_in_as, role)]
    assert refused
    for key, spec, role in refused:
        response = client.post("/_dash-update-component", json=_body(key, spec))
        assert response.status_code == 403, (key, response.status_code, response.get_data(as_text=True)[:300])
        assert response.get_json() == {"message": f"Sign in as {access.ROLE_WORDS[role]} to do this."}
    assert _state(demo_engine) == before


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_routes_every_read_route_changes_nothing(web, demo_engine, who):
    client = web.server.test_client()
    if who == "viewer":
        web_sign_in(client, "vic")
    before = _state(demo_engine)
    for rule, url in READ_ROUTES.items():
        response = client.get(url, follow_redirects=True)  # old addresses: to the route under /p/E09000016/
        assert response.status_code < 500, (rule, response.status_code)
    for key, (name, _, spec) in _callbacks(web).items():
        if name in READ_CALLBACKS:  # with made-up inputs some answer with an error: still no change
            client.post("/_dash-update-component", json=_body(key, spec))
    assert _state(demo_engine) == before
    assert json.loads(client.get("/healthz").get_data())["status"] == "ok"
