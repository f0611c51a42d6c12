// Client-side helpers for cspdash (served from assets/, no CDN).
(function () {
    "use strict";

    // Period and area pickers: a <form data-location="…"> of native <select>s. A change, or
    // the "Show figures" button, puts the choice in the URL through the page's dcc.Location
    // (refresh="callback-nav"), so Dash Pages re-renders the page from the URL and the
    // browser's Back and Forward buttons step through earlier choices.
    function queryFor(form) {
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
        return "?" + params.toString();
    }

    function apply(form) {
        var search = queryFor(form);
        if (search === window.location.search) {
            return;
        }
        var api = window.dash_clientside;
        if (api && typeof api.set_props === "function") {
            api.set_props(form.getAttribute("data-location"), {search: search});
        } else {
            window.location.search = search;  // no Dash API: a full page load still works
        }
    }

    document.addEventListener("change", function (event) {
        var form = event.target.closest && event.target.closest("form[data-location]");
        if (form && event.target.tagName === "SELECT") {
            apply(form);
        }
    });
    document.addEventListener("submit", function (event) {
        var form = event.target.closest && event.target.closest("form[data-location]");
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
            currentNav: function (pathname) {
                var links = [["/", "nav-scorecard"], ["/demand", "nav-demand"], ["/upload", "nav-upload"], ["/targets", "nav-targets"]];
                var path = pathname || "/";
                var current = links.map(function (link) {
                    var href = link[0];
                    if (href === "/") {
                        return path === "/" || path.indexOf("/indicator/") === 0;
                    }
                    return path === href || path.indexOf(href + "/") === 0;
                });
                window.setTimeout(function () {
                    links.forEach(function (link, i) {
                        var el = document.getElementById(link[1]);
                        if (!el) { return; }
                        if (current[i]) { el.setAttribute("aria-current", "page"); } else { el.removeAttribute("aria-current"); }
                    });
                }, 0);
                return current.map(function (on) {
                    return on ? "app-nav__link app-nav__link--current" : "app-nav__link";
                });
            }
        }
    });
}());
