/* Tell the server which page asks for the first layout, so it can send that page already
   rendered (dashboards/first_view.py). A header rather than the Referer: a Referrer-Policy
   may cut the Referer down to the origin, which would name the wrong page. */
(function () {
    var original = window.fetch;
    window.fetch = function (input, init) {
        var url = typeof input === "string" ? input : (input && input.url) || "";
        if (/_dash-layout(\?|$)/.test(url)) {
            init = Object.assign({}, init);
            var headers = new Headers(init.headers || {});
            headers.set("X-Cspdash-Page", window.location.pathname + window.location.search);
            init.headers = headers;
        }
        return original.call(window, input, init);
    };
})();
