// Form helpers for the upload and targets pages (served from assets/, no CDN).
//
// Dash 4's Dropdown and RadioItems fail axe (hidden focus targets, radios inside listbox
// options), so these pages use native <select>s and bridge them to Dash here.
(function () {
    "use strict";

    function setProps(id, props) {
        var api = window.dash_clientside;
        if (api && typeof api.set_props === "function") {
            api.set_props(id, props);
            return true;
        }
        return false;
    }

    // <select data-store="some-store">: mirror the choice into that dcc.Store for callbacks.
    document.addEventListener("change", function (event) {
        var el = event.target;
        var store = el && el.getAttribute && el.getAttribute("data-store");
        if (store) {
            // A pattern-matching store (one per listed item) is named by its JSON id.
            setProps(store.charAt(0) === "{" ? JSON.parse(store) : store, {data: el.value});
        }
    });

    // <form data-query-location="some-location">: a change (or submit) puts every field in the
    // URL through that dcc.Location (refresh="callback-nav"), so Dash Pages re-renders the page
    // from the URL and Back restores earlier choices. Without Dash it is an ordinary GET form.
    function apply(form, active) {
        var params = new URLSearchParams();
        new FormData(form).forEach(function (value, name) {
            if (value) { params.set(name, value); }
        });
        var search = "?" + params.toString();
        if (search === window.location.search) { return; }
        if (!setProps(form.getAttribute("data-query-location"), {search: search})) {
            window.location.search = search;
            return;
        }
        // The page is replaced: put keyboard focus back on the control's replacement.
        if (active && active.id) {
            var tries = 0;
            var timer = window.setInterval(function () {
                var el = document.getElementById(active.id);
                tries += 1;
                if ((el && el !== active) || tries > 100) {
                    window.clearInterval(timer);
                    if (el && el !== active) { el.focus(); }
                }
            }, 50);
        }
    }

    document.addEventListener("change", function (event) {
        var form = event.target.closest && event.target.closest("form[data-query-location]");
        if (form && event.target.tagName === "SELECT") { apply(form, event.target); }
    });
    document.addEventListener("submit", function (event) {
        var form = event.target.closest && event.target.closest("form[data-query-location]");
        if (form) {
            event.preventDefault();
            apply(form, document.activeElement);
        }
    });

    // dcc.Upload renders a bare <input type="file"> with no label. Name it after the field's
    // label and the drop zone's text, so keyboard and screen-reader users know what it is for
    // (Tab reaches the input; Enter or Space opens the file chooser).
    function enhance() {
        // A hint (<id>-hint) is read out with its control.
        document.querySelectorAll("input[id]:not([aria-describedby]), textarea[id]:not([aria-describedby]), select[id]:not([aria-describedby])").forEach(function (el) {
            if (document.getElementById(el.id + "-hint")) { el.setAttribute("aria-describedby", el.id + "-hint"); }
        });
        document.querySelectorAll(".dropzone input[type=file]:not([aria-labelledby])").forEach(function (input) {
            var field = input.closest("[id]");
            if (!field) { return; }
            var ids = [field.id + "-label", field.id + "-text"].filter(function (id) { return document.getElementById(id); });
            if (ids.length) { input.setAttribute("aria-labelledby", ids.join(" ")); }
        });
    }
    new MutationObserver(enhance).observe(document.documentElement, {childList: true, subtree: true});
})();
