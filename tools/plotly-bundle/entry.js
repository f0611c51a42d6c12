// The trace types the dashboard draws, and nothing else: scatter (in core), bar, and the
// geo traces for the maps. Add a trace type here (and rebuild) before a page uses it.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/choropleth'),
]);

module.exports = Plotly;
