// Client-side helpers for cspdash (served from assets/, no CDN).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
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
