// Chart text that fits the width a chart is drawn at (issue 20 part 7): titles and map labels.
//
// The server words each chart's title and cannot know how wide the reader's screen is: a
// title fitted to a 1366 px page runs off a 390 px phone ("…106.0% of t"), and a legend that
// wraps onto more rows grows up into the title. After Plotly draws a chart (and after every
// resize), this wraps the title at word boundaries to the chart's width, then gives the top
// margin the room the title lines and the legend rows need, growing the chart by as much so
// the plot keeps its height. The server's own line breaks are kept; nothing else changes.
(function () {
    "use strict";

    var canvas = document.createElement("canvas");
    var TITLE_PAD = 8;   // px above the title
    var GAP = 6;         // px between title and legend, and legend and plot
    var LINE = 1.3;      // line height, in font sizes

    function plainText(html) {
        return html.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    }

    function width(text, font) {
        var ctx = canvas.getContext("2d");
        ctx.font = font;
        return ctx.measureText(plainText(text)).width * 1.04;  // renderers differ a little
    }

    // Greedy word wrap of one server line (its tags kept, as the words are measured without them).
    function wrapLine(line, room, font) {
        var words = line.split(" ");
        var lines = [];
        var current = "";
        words.forEach(function (word) {
            var next = current ? current + " " + word : word;
            if (current && width(next, font) > room) {
                lines.push(current);
                current = word;
            } else {
                current = next;
            }
        });
        if (current) { lines.push(current); }
        return lines;
    }

    function fit(gd) {
        var full = gd._fullLayout;
        if (!full || !gd.layout || !window.Plotly || gd.__cspFitting) { return; }
        var title = gd.layout.title && typeof gd.layout.title === "object" ? gd.layout.title.text : gd.layout.title;
        if (typeof title !== "string" || !title) { return; }
        if (title !== gd.__cspApplied) {
            // A figure from the server (first draw, or new figures): remember its own layout.
            gd.__cspSource = title;
            gd.__cspMarginTop = (gd.layout.margin && gd.layout.margin.t) || full.margin.t;
            gd.__cspHeight = full.height;
            gd.__cspTitleY = gd.layout.title.y;
            gd.__cspTitleYanchor = gd.layout.title.yanchor;
        }
        var font = full.title.font;
        var css = (font.weight && font.weight !== "normal" ? font.weight + " " : "") + font.size + "px " + font.family;
        var room = full.width - 16;
        var lines = [];
        gd.__cspSource.split(/<br\s*\/?>/i).forEach(function (line) {
            lines = lines.concat(wrapLine(line, room, css));
        });
        var wrapped = lines.join("<br>");
        var titleHeight = lines.length * font.size * LINE;
        var legend = full.legend;
        var legendOnTop = full.showlegend && legend && legend.orientation === "h" && legend.y >= 1;
        var legendHeight = legendOnTop ? (legend._height || 0) : 0;
        var needed = Math.ceil(TITLE_PAD + titleHeight + GAP + (legendHeight ? legendHeight + GAP : 0));
        var top = Math.max(gd.__cspMarginTop, needed);
        var height = gd.__cspHeight + (top - gd.__cspMarginTop);
        var serverLines = gd.__cspSource.split(/<br\s*\/?>/i).length;
        if (wrapped === gd.layout.title.text && Math.abs(top - full.margin.t) < 2 && Math.abs(height - full.height) < 2) {
            return;  // already fits: nothing to do (and no endless re-layout)
        }
        // The chart's height only: autosize stays on and the width unset, so the chart keeps
        // following its box when the window is widened or narrowed (a height given alone turns
        // Plotly's autosize off and fixes the width the chart had at that moment).
        var update = {"title.text": wrapped, "margin.t": top, height: height, autosize: true, width: null};
        if (lines.length !== serverLines || top !== gd.__cspMarginTop) {
            // Centre the title's lines in the room above the legend (Plotly places a title of
            // several lines anchored at its top too low).
            update["title.yref"] = "container";
            update["title.y"] = 1 - (TITLE_PAD + titleHeight / 2) / height;
            update["title.yanchor"] = "middle";
        }
        gd.__cspApplied = wrapped;
        gd.__cspFitting = true;
        // dcc.Graph (responsive) sizes the chart to its own box: grow that box too.
        var box = gd.closest(".dash-graph") || gd.parentElement;
        if (box) { box.style.height = height + "px"; }
        window.Plotly.relayout(gd, update).then(function () {
            gd.__cspFitting = false;
        }, function () {
            gd.__cspFitting = false;
        });
    }

    // Labels drawn in map tiles (the London tile map) are sized for a desktop tile of about 90
    // px: at 390 px a tile is about 36 px and "Havering" runs over its neighbours. Put the
    // names in two lines (the trace's meta.narrow, from the server), then shrink the text until
    // the widest label fits its tile (never below 70%, and never up).
    function fitLabels(gd) {
        if (!gd.data || gd.__cspLabelling) { return; }
        var index = -1;
        gd.data.forEach(function (trace, i) {
            if (trace.type === "scattergeo" && trace.mode === "text" && trace.name === "labels") { index = i; }
        });
        if (index < 0) { return; }
        var tiles = Array.prototype.map.call(gd.querySelectorAll(".choroplethlocation"), function (path) {
            return path.getBBox().width;
        }).filter(function (w) { return w > 0; }).sort(function (a, b) { return a - b; });
        var texts = gd.querySelectorAll(".scattergeo .textpoint text, .scattergeo text");
        if (!tiles.length || !texts.length) { return; }
        var tile = tiles[Math.floor(tiles.length / 2)];  // the median tile: tiles are all one size
        var widest = 0;
        Array.prototype.forEach.call(texts, function (node) { widest = Math.max(widest, node.getBBox().width); });
        var trace = gd.data[index];
        var size = (trace.textfont && trace.textfont.size) || 11;
        if (gd.__cspLabelSize === undefined) { gd.__cspLabelSize = size; }
        var update = {};
        var narrow = trace.meta && trace.meta.narrow;
        if (narrow && trace.text !== narrow && widest * gd.__cspLabelSize / size > tile * 0.9) {
            // Too wide at full size: the names split in two first (measured again once drawn).
            update = {text: [narrow], "textfont.size": gd.__cspLabelSize};
        } else {
            var wanted = gd.__cspLabelSize * Math.max(0.7, Math.min(1, (tile * 0.9) / (widest * gd.__cspLabelSize / size)));
            if (!widest || Math.abs(wanted - size) < 0.5) { return; }
            update = {"textfont.size": Math.round(wanted * 10) / 10};
        }
        gd.__cspLabelling = true;
        window.Plotly.restyle(gd, update, [index]).then(function () {
            gd.__cspLabelling = false;
        }, function () {
            gd.__cspLabelling = false;
        });
    }

    function watch(gd) {
        if (gd.__cspWatched || typeof gd.on !== "function") { return; }
        gd.__cspWatched = true;
        gd.on("plotly_afterplot", function () {
            window.setTimeout(function () { fit(gd); fitLabels(gd); }, 0);
        });
        fit(gd);
        fitLabels(gd);
    }

    function scan() {
        Array.prototype.forEach.call(document.querySelectorAll(".js-plotly-plot"), watch);
    }

    new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener("DOMContentLoaded", scan);
}());
