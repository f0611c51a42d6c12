// Map pages (/map, /london, /ward/…): their controls are a <form data-map-location="…"> of
// native <select>s. A change, or the "Show map" button, writes every named field into the
// URL's query string through the page's dcc.Location (refresh="callback-nav"), so Dash Pages
// re-renders the page from the URL and Back and Forward step through earlier maps.
// (Kept apart from cspdash.js, whose period forms carry only period and area.)
(function () {
    "use strict";

    function queryFor(form) {
        var params = new URLSearchParams();
        Array.prototype.forEach.call(form.elements, function (el) {
            if (el.name && el.tagName === "SELECT" && el.value) {
                params.set(el.name, el.value);
            }
        });
        return "?" + params.toString();
    }

    // The page is replaced when the URL changes; put keyboard focus back on the control
    // with the same id, or keyboard and screen-reader users are sent to the top of the page.
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
        var search = queryFor(form);
        if (search === window.location.search) {
            return;
        }
        var active = document.activeElement;
        if (active && form.contains(active) && active.id) {
            restoreFocus(active.id, active);
        }
        var api = window.dash_clientside;
        if (api && typeof api.set_props === "function") {
            api.set_props(form.getAttribute("data-map-location"), {search: search});
        } else {
            window.location.search = search;
        }
    }

    document.addEventListener("change", function (event) {
        var form = event.target.closest && event.target.closest("form[data-map-location]");
        if (form && event.target.tagName === "SELECT") {
            apply(form);
        }
    });
    document.addEventListener("submit", function (event) {
        var form = event.target.closest && event.target.closest("form[data-map-location]");
        if (form) {
            event.preventDefault();
            apply(form);
        }
    });
}());
