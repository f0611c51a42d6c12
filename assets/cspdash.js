// Client-side helpers for cspdash (served from assets/, no CDN).
(function () {
    "use strict";

    // Page controls put the reader's choice in the URL through the page's dcc.Location
    // (refresh="callback-nav"), so Dash Pages re-renders the page from the URL and the
    // browser's Back and Forward buttons step through earlier choices. Two kinds of form:
    // * <form data-location="…">: the period and area pickers (year, quarter and area
    //   selects become ?period=2016-17-Q3&area=…, plus the form's data-keep: &as=published);
    // * <form data-map-location="…">: the map pages (/map, /london, /ward/…), where every
    //   named select goes into the query as it is.
    // A change, or the form's button, applies the choice.
    var FORMS = "form[data-location], form[data-map-location]";

    function periodQuery(form) {
        var value = function (name) {
            var el = form.elements.namedItem(name);
            return el ? el.value : "";
        };
        var params = new URLSearchParams();
        if (value("year") && value("quarter")) {
            params.set("period", value("year") + "-" + value("quarter"));
        }
        if (value("area")) {
            params.set("area", value("area"));
        }
        // data-keep: the rest of the view the new URL keeps (as=published and its version).
        new URLSearchParams(form.getAttribute("data-keep") || "").forEach(function (v, name) {
            params.set(name, v);
        });
        return params;
    }

    function fieldsQuery(form) {
        var params = new URLSearchParams();
        Array.prototype.forEach.call(form.elements, function (el) {
            if (el.name && el.tagName === "SELECT" && el.value) {
                params.set(el.name, el.value);
            }
        });
        return params;
    }

    // Dash Pages replaces the page when the URL changes, so the control the reader was
    // using disappears. Put keyboard focus back on its replacement (same id), or a keyboard
    // or screen-reader user is thrown back to the top of the page.
    function restoreFocus(id, oldNode) {
        var tries = 0;
        var timer = window.setInterval(function () {
            var el = document.getElementById(id);
            tries += 1;
            if ((el && el !== oldNode) || tries > 100) {
                window.clearInterval(timer);
                if (el && el !== oldNode && document.activeElement !== el) {
                    el.focus();
                }
            }
        }, 50);
    }

    function apply(form) {
        var isMap = form.hasAttribute("data-map-location");
        var search = "?" + (isMap ? fieldsQuery(form) : periodQuery(form)).toString();
        if (search === window.location.search) {
            return;
        }
        var active = document.activeElement;
        if (active && form.contains(active) && active.id) {
            restoreFocus(active.id, active);
        }
        var api = window.dash_clientside;
        var location = form.getAttribute(isMap ? "data-map-location" : "data-location");
        if (api && typeof api.set_props === "function") {
            api.set_props(location, {search: search});
        } else {
            window.location.search = search;  // no Dash API: a full page load still works
        }
    }

    document.addEventListener("change", function (event) {
        var form = event.target.closest && event.target.closest(FORMS);
        if (form && event.target.tagName === "SELECT") {
            apply(form);
        }
    });
    document.addEventListener("submit", function (event) {
        var form = event.target.closest && event.target.closest(FORMS);
        if (form) {
            event.preventDefault();
            apply(form);
        }
    });

    // Add our namespace in place: the renderer keeps its own reference to this object.
    window.dash_clientside = window.dash_clientside || {};
    Object.assign(window.dash_clientside, {
        cspdash: {
            // Mark the navigation link for the current page: a class for sighted users and
            // aria-current for screen readers (Dash cannot set aria-current from a callback).
            // Arguments: the pathname, then every nav link's href, then every link's id.
            currentNav: function (pathname) {
                var rest = Array.prototype.slice.call(arguments, 1);
                var hrefs = rest.slice(0, rest.length / 2);
                var ids = rest.slice(rest.length / 2);
                // Addresses carry the partnership (/p/CODE/…): compare what follows it.
                var root = /^\/p\/[^\/]+/;
                var path = (pathname || "/").replace(root, "") || "/";
                var current = hrefs.map(function (link) {
                    var href = (link || "").split("?")[0].replace(root, "") || "/";  // the links carry the chosen quarter and area
                    if (href === "/") {
                        return path === "/" || path.indexOf("/indicator/") === 0;
                    }
                    return path === href || path.indexOf(href + "/") === 0;
                });
                window.setTimeout(function () {
                    ids.forEach(function (id, i) {
                        var el = document.getElementById(id);
                        if (!el) { return; }
                        if (current[i]) { el.setAttribute("aria-current", "page"); } else { el.removeAttribute("aria-current"); }
                    });
                }, 0);
                return current.map(function (on) {
                    return on ? "app-nav__link app-nav__link--current" : "app-nav__link";
                });
            },
            // The publish button: a fresh job id, which starts publishing on the server and
            // names the progress the page polls for (random enough to be one person's job).
            publishJob: function (clicks) {
                if (!clicks) { return [window.dash_clientside.no_update, window.dash_clientside.no_update]; }
                var id = "";
                for (var i = 0; i < 4; i++) { id += Math.floor(Math.random() * 0x100000000).toString(16); }
                return [{job: "job-" + id, clicks: clicks}, ""];
            }
        }
    });
}());
