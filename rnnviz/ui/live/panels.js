// The "panels" view: rows of columns of pictures that all follow one cursor (RNN vs LSTM vs GRU,
// Deeper networks, Cell anatomy, the training scrubber). The payload comes from
// rnnviz/figures/panels.py, whose docstring lists the panel kinds and their fields. Each kind has a
// drawer: build<Kind>(inst, el, panel) draws it once into the div `el`; show<Kind>(inst, el, panel,
// step) moves it to position `step` without a rebuild.
// Labels and tokens are user text: set with textContent only. Helpers (svg, tag, label, colourAt,
// sub, signed, clip, tipFor, go) come from live.js: the component joins the files into one module.

const DRAWERS = {
  heatmap: { build: buildHeatmap, show: showHeatmap },
  lines: { build: buildLines, show: showLines },
  curve: { build: buildCurve, show: showCurve },
  strips: { build: buildStrips, show: showStrips },
  bars: { build: buildBars, show: showBars },
  terms: { build: buildTerms, show: showTerms },        // anatomy.js
};
VIEWS.panels = { build: buildPanels, show: showPanels };

function buildPanels(inst, root, data) {
  cursorBar(inst, root, data, data.positions.length);
  root.dataset.view = "panels";
  root.dataset.sentence = data.positions.map((p) => p.label).join(" ");
  inst.tip = tag("div", "tip", root);
  inst.width = root.clientWidth;
  inst.panels = [];
  for (const row of data.rows || [{ columns: data.columns }]) {
    const rowEl = tag("div", "prow", root);
    if (row.title) tag("div", "rtitle", rowEl, row.title);
    const columns = tag("div", "pcols", rowEl);
    for (const column of row.columns) {
      const columnEl = tag("div", "pcol", columns);
      if (column.title) tag("div", "ctitle", columnEl, column.title);
      for (const panel of column.panels) {
        const box = tag("div", "ppanel", columnEl);
        box.dataset.kind = panel.kind;
        box.dataset.title = panel.title || "";
        if (panel.title) tag("div", "title", box, panel.title);
        const el = tag("div", "pbody", box);
        inst.panels.push({ el, panel });
      }
    }
  }
  for (const { el, panel } of inst.panels) DRAWERS[panel.kind].build(inst, el, panel);   // widths are known now
}

function showPanels(inst, step) {
  const { data } = inst, P = data.positions.length;
  inst.step = Math.min(P - 1, Math.max(0, step));
  const where = data.positions[inst.step];
  inst.range.value = inst.step;
  inst.here.textContent = where.known === null || where.known === undefined ? where.label
    : `t = ${inst.step} · ${where.label}` + (where.known ? "" : ` (${data.words.unknown})`);
  for (const { el, panel } of inst.panels) DRAWERS[panel.kind].show(inst, el, panel, inst.step);
  inst.root.dataset.step = String(inst.step);
}

// ---- shared pieces ------------------------------------------------------------------------------

// a colour bar as HTML: "h: −1.0 … +1.0" and the scale between its ends
function legendBar(parent, scale, text) {
  const box = tag("span", "plegend", parent);
  tag("span", "ltext", box, text);
  const bar = tag("span", "lbar", box);
  bar.style.background = `linear-gradient(to right, ${scale.map(([p, c]) => `rgb(${c[0]},${c[1]},${c[2]}) ${p * 100}%`).join(", ")})`;
  return box;
}

// x geometry of a picture over `count` columns in a div `el`: left margin, column width
function columnsOf(inst, el, count) {
  const s = inst.data.scale || 1;
  const width = Math.max(200, (el.clientWidth || 320) - 4);
  const left = Math.round(36 * s);
  const cw = Math.max(3, Math.min(60 * s, (width - left - 6) / Math.max(count, 1)));
  return { s, left, cw, width: left + cw * count + 6 };
}

// the token labels under a picture: whole words, turned upright when columns are narrow and
// thinned (every k-th) when even upright they would overlap; the current one in bold
function tokenAxis(inst, pic, geo, labels, y) {
  const { s, left, cw } = geo, size = 11 * s;
  const longest = Math.max(1, ...labels.map((l) => l.length));
  const upright = longest * size * 0.55 > cw - 2;
  const every = upright ? Math.max(1, Math.ceil((size + 2) / cw)) : 1;
  const nodes = [];
  labels.forEach((text, t) => {
    if (t % every) { nodes.push(null); return; }
    const x = left + t * cw + cw / 2;
    const node = upright
      ? label(pic, x + size * 0.35, y + 4 * s, text, { "text-anchor": "end", class: "index tick", transform: `rotate(-90 ${x + size * 0.35} ${y + 4 * s})` })
      : label(pic, x, y + size + 2 * s, text, { "text-anchor": "middle", class: "index tick" });
    nodes.push(node);
  });
  const height = upright ? longest * size * 0.55 + 10 * s : size + 8 * s;
  return { nodes, height };
}

function markTick(axis, step) {
  if (axis.current) axis.current.classList.remove("now");
  axis.current = axis.nodes[step] || null;
  if (axis.current) axis.current.classList.add("now");
}

function positionLabels(inst) {
  return inst.data.positions.map((p) => (p.known === false ? p.label + "?" : p.label));
}

function outlineRects(inst, pic, y, height, cw) {
  const s = inst.data.scale || 1;
  return inst.data.colours.outline.map(([colour, width]) => svg("rect", { y, width: cw, height, fill: "none",
    stroke: colour, "stroke-width": width * s, class: "outline" }, pic));
}

// the column under the mouse, or null
function columnUnder(e, pic, geo, count) {
  const t = Math.floor((e.clientX - pic.getBoundingClientRect().left - geo.left) / geo.cw);
  return t >= 0 && t < count ? t : null;
}

// ---- "heatmap": values [P][H] over the positions (or frames[p].values [X][H] over panel.x) ---------

function buildHeatmap(inst, el, panel) {
  const framed = !!panel.frames;
  const values = framed ? panel.frames[0].values : panel.values;
  const X = values.length, H = X ? values[0].length : 0;
  const many = !framed && panel.units && panel.units.choose;
  const units = many ? panelUnits(el, panel) : Array.from({ length: H }, (_, u) => u), R = units.length;
  const geo = columnsOf(inst, el, X), { s, left, cw } = geo;
  const scale = inst.data.colours[panel.colour || "state"];
  legendBar(tag("div", "pkey", el), scale, panel.legend || "");
  if (many) panelUnitBar(inst, el, panel);
  const rh = Math.max(3, Math.min(10 * s, Math.floor(((many ? 320 : 192) * s) / Math.max(R, 1))));
  const pic = svg("svg", { class: "grid", "data-units": units.join(" ") }, el);
  if (many) {                                     // every row named by its unit, as far as there is room
    const every = Math.max(1, Math.ceil((10 * s) / rh));
    for (let r = 0; r < R; r += every) label(pic, left - 4, r * rh + rh / 2 + 3 * s, String(units[r]), { class: "unitnum", "text-anchor": "end" });
  } else {
    label(pic, left - 4, rh + 2, "0", { class: "index", "text-anchor": "end" });
    label(pic, left - 4, H * rh, String(H - 1), { class: "index", "text-anchor": "end" });
  }
  const mid = (R * rh) / 2, ax = 12 * s;
  label(pic, ax, mid, inst.data.words.unit, { class: "axis", "text-anchor": "middle", transform: `rotate(-90 ${ax} ${mid})` });
  const [low, high] = panel.range;
  el._at = (v) => (v === null ? "transparent" : colourAt(scale, (v - low) / (high - low || 1)));
  if (framed) {                                   // the scrubber recolours its cells at each snapshot
    el._cells = values.map((column, t) => units.map((u, r) => svg("rect", { x: left + t * cw, y: r * rh,
      width: cw + 0.5, height: rh + 0.5, fill: el._at(column[u]) }, pic)));
  } else {                                        // one picture (live.js cellImage): cheap to repaint at a step
    const at = (v) => (v === null ? null : rgbAt(scale, (v - low) / (high - low || 1)));
    cellImage(pic, X, R, (t, r) => at(values[t][units[r]]), { x: left, y: 0, width: X * cw, height: R * rh });
  }
  el._axis = tokenAxis(inst, pic, geo, framed ? panel.x : positionLabels(inst), R * rh);
  el._outlines = framed ? [] : outlineRects(inst, pic, 0, R * rh, cw);
  pic.setAttribute("width", geo.width);
  pic.setAttribute("height", R * rh + el._axis.height);
  el._geo = geo;
  pic.onmousemove = (e) => {
    const t = columnUnder(e, pic, geo, X), r = Math.floor((e.clientY - pic.getBoundingClientRect().top) / rh);
    if (t === null || r < 0 || r >= R) { tipFor(inst, e, ""); return; }
    const u = units[r], now = framed ? panel.frames[inst.step].values : panel.values, v = now[t][u];
    const where = framed ? panel.x[t] : `${t} · ${inst.data.positions[t].label}`;
    tipFor(inst, e, `${where} — ${inst.data.words.unit} ${u}: ${panel.letter} = ${v === null ? "–" : signed(v)}`);
  };
  pic.onmouseleave = () => tipFor(inst, null, "");
  if (!framed) pic.onclick = (e) => { const t = columnUnder(e, pic, geo, X); if (t !== null) go(inst, t); };
}

// a panel of many units: its rows are the chosen order's first `top` units, or all of them
function panelUnits(el, panel) {
  const choice = el._units || (el._units = { order: "activity", all: false });
  const order = panel.units.orders[choice.order] || panel.units.orders.natural;
  return choice.all ? order.slice() : order.slice(0, panel.units.top);
}

// the panel's own choice (most active · by number, all units): it redraws this panel only
function panelUnitBar(inst, el, panel) {
  const words = panel.units.words, choice = el._units;
  const bar = tag("div", "bar units", el);
  tag("span", "units-label", bar, words.sort);
  const redraw = (change) => {
    el._units = { ...choice, ...change };
    el.replaceChildren();
    buildHeatmap(inst, el, panel);
    showHeatmap(inst, el, panel, inst.step);
  };
  for (const name of ["activity", "natural"]) {
    const button = tag("button", "step order", bar, words.orders[name]);
    button.dataset.order = name;
    button.title = words.helps[name];
    button.setAttribute("aria-pressed", String(choice.order === name));
    button.onclick = () => redraw({ order: name });
  }
  const every = tag("button", "step all", bar, words.all);
  every.setAttribute("aria-pressed", String(choice.all));
  every.onclick = () => redraw({ all: !choice.all });
  tag("span", "units-note", bar, choice.all ? words.showing_all : words.showing_top);
}

function showHeatmap(inst, el, panel, step) {
  if (panel.frames) {
    panel.frames[step].values.forEach((column, t) => column.forEach((v, u) => el._cells[t][u].setAttribute("fill", el._at(v))));
    return;
  }
  for (const r of el._outlines) r.setAttribute("x", el._geo.left + step * el._geo.cw);
  markTick(el._axis, step);
}

// ---- "lines": class probabilities [P][C] over the positions ---------------------------------------

function buildLines(inst, el, panel) {
  const P = panel.values.length, geo = columnsOf(inst, el, P), { s, left, cw } = geo;
  const classes = inst.data.colours.classes, h = Math.round(110 * s);
  const key = tag("div", "pkey", el);
  el._readings = panel.labels.map((name, c) => {
    const item = tag("span", "pitem", key);
    tag("span", "swatch", item).style.background = classes[c % classes.length];
    return tag("span", "", item, name);
  });
  const pic = svg("svg", { class: "grid" }, el);
  svg("rect", { x: left, y: 2, width: P * cw, height: h, class: "frame" }, pic);
  label(pic, left - 4, 10 * s, "1", { class: "index", "text-anchor": "end" });
  label(pic, left - 4, h + 2, "0", { class: "index", "text-anchor": "end" });
  const ax = 12 * s;
  label(pic, ax, h / 2, inst.data.words.probability, { class: "axis", "text-anchor": "middle", transform: `rotate(-90 ${ax} ${h / 2})` });
  panel.labels.forEach((_, c) => {
    const points = panel.values.map((row, t) => `${left + t * cw + cw / 2},${2 + (1 - row[c]) * h}`);
    svg("polyline", { points: points.join(" "), fill: "none", "stroke-width": 2.5 * s, stroke: classes[c % classes.length] }, pic);
  });
  el._outlines = outlineRects(inst, pic, 2, h, cw);
  el._axis = tokenAxis(inst, pic, geo, positionLabels(inst), h + 2);
  pic.setAttribute("width", geo.width);
  pic.setAttribute("height", h + 2 + el._axis.height);
  el._geo = geo;
  pic.onclick = (e) => { const t = columnUnder(e, pic, geo, P); if (t !== null) go(inst, t); };
  pic.onmousemove = (e) => {
    const t = columnUnder(e, pic, geo, P);
    tipFor(inst, e, t === null ? "" : `${t} · ${inst.data.positions[t].label} — ` +
      panel.labels.map((n, c) => `${n} ${panel.values[t][c].toFixed(3)}`).join(", "));
  };
  pic.onmouseleave = () => tipFor(inst, null, "");
}

function showLines(inst, el, panel, step) {
  for (const r of el._outlines) r.setAttribute("x", el._geo.left + step * el._geo.cw);
  panel.labels.forEach((name, c) => { el._readings[c].textContent = `${name} ${panel.values[step][c].toFixed(2)}`; });
  markTick(el._axis, step);
}

// ---- "curve": positive values on a log axis, decade ticks only ------------------------------------

function buildCurve(inst, el, panel) {
  const framed = !!panel.frames;
  const labels = framed ? panel.x : positionLabels(inst), X = labels.length;
  const geo = columnsOf(inst, el, X), { s, left, cw } = geo, h = Math.round(130 * s);
  const [lo, hi] = panel.decades;
  const key = tag("div", "pkey", el);
  const first = framed ? panel.frames[0].series : panel.series;
  first.forEach((line) => {
    const item = tag("span", "pitem", key);
    const mark = tag("span", "swatch line", item);
    mark.style.borderTopColor = line.colour || inst.data.colours.accent;
    if (line.dash) mark.style.borderTopStyle = "dashed";
    tag("span", "", item, line.name);
  });
  el._readout = tag("div", "readout", el);
  const pic = svg("svg", { class: "grid" }, el);
  svg("rect", { x: left, y: 2, width: X * cw, height: h, class: "frame" }, pic);
  for (const [k, text] of panel.ticks) {                 // whole powers of ten only (common.log_axis)
    const y = 2 + ((hi - k) / (hi - lo)) * h;
    svg("line", { x1: left, x2: left + X * cw, y1: y, y2: y, class: "gridline" }, pic);
    label(pic, left - 4, y + 4 * s, text, { class: "index", "text-anchor": "end" });
  }
  el._y = (v) => 2 + ((hi - Math.log10(v)) / (hi - lo)) * h;
  el._lines = svg("g", {}, pic);
  el._outlines = framed ? [] : outlineRects(inst, pic, 2, h, cw);
  el._axis = tokenAxis(inst, pic, geo, labels, h + 2);
  pic.setAttribute("width", geo.width);
  pic.setAttribute("height", h + 2 + el._axis.height);
  el._geo = geo;
  if (!framed) {
    drawSeries(inst, el, panel.series);
    pic.onclick = (e) => { const t = columnUnder(e, pic, geo, X); if (t !== null) go(inst, t); };
  }
}

// polylines with gaps where a value is missing (null: no signal at all), and a dot per series at the step
function drawSeries(inst, el, series) {
  const { s, left, cw } = el._geo;
  el._lines.replaceChildren();
  el._dots = series.map((line) => {
    const colour = line.colour || inst.data.colours.accent;
    let points = [];
    const flush = () => {
      if (points.length) svg("polyline", { points: points.join(" "), fill: "none", stroke: colour, "stroke-width": 2.2 * s,
        "stroke-dasharray": line.dash ? `${6 * s} ${4 * s}` : "none" }, el._lines);
      points = [];
    };
    line.values.forEach((v, t) => { if (v === null || v <= 0) flush(); else points.push(`${left + t * cw + cw / 2},${el._y(v)}`); });
    flush();
    return svg("circle", { r: 4.5 * s, fill: colour, stroke: "#fff", "stroke-width": 1.5, class: "dot" }, el._lines);
  });
}

function showCurve(inst, el, panel, step) {
  const { left, cw } = el._geo;
  const series = panel.frames ? panel.frames[step].series : panel.series;
  if (panel.frames) drawSeries(inst, el, series);
  else { for (const r of el._outlines) r.setAttribute("x", left + step * cw); markTick(el._axis, step); }
  series.forEach((line, i) => {
    const v = panel.frames ? null : line.values[step], dot = el._dots[i];
    dot.style.display = v === null || v <= 0 ? "none" : "";
    if (v !== null && v > 0) { dot.setAttribute("cx", left + step * cw + cw / 2); dot.setAttribute("cy", el._y(v)); }
  });
  el._readout.textContent = panel.frames ? panel.frames[step].readout : panel.readout[step];
}

// ---- "strips": rows of 1 × H values at the step ---------------------------------------------------

function buildStrips(inst, el, panel) {
  const s = inst.data.scale || 1, colours = inst.data.colours;
  if (panel.note) tag("div", "caption", el, panel.note);
  const H = (panel.rows[0].values ? panel.rows[0].values[0] : panel.rows[0].same).length;
  const width = Math.max(200, (el.clientWidth || 320) - 4);
  const cell = Math.max(3, Math.min(28 * s, width / H)), rh = Math.round(18 * s);
  el._rows = panel.rows.map((row) => {
    const head = tag("div", "srow", el);
    tag("span", "slabel", head, row.label);
    legendBar(head, colours[row.colour], row.legend);
    const pic = svg("svg", { width: cell * H + 2, height: rh + 2, class: "strip" }, el);
    const [low, high] = row.range, scale = colours[row.colour];
    const at = (v) => colourAt(scale, (v - low) / (high - low || 1));
    const cells = Array.from({ length: H }, (_, u) => svg("rect", { x: u * cell, y: 1, width: Math.max(1, cell - 1), height: rh }, pic));
    const numbers = H <= 16 ? cells.map((_, u) => label(pic, u * cell + cell / 2, rh / 2 + 5 * s, "", { "text-anchor": "middle", class: "cellnum dark" })) : [];
    for (let k = 1; panel.split && k * panel.split < H; k++) {
      svg("line", { x1: k * panel.split * cell - 0.5, x2: k * panel.split * cell - 0.5, y1: 0, y2: rh + 2, class: "divider" }, pic);
    }
    pic.onmousemove = (e) => {
      const u = Math.floor((e.clientX - pic.getBoundingClientRect().left) / cell);
      const values = row.values ? row.values[inst.step] : row.same;
      const half = panel.split ? `${panel.splitLabels[Math.floor(u / panel.split)] || ""} ` : "";
      tipFor(inst, e, u >= 0 && u < H ? `${row.label} — ${half}${inst.data.words.unit} ${panel.split ? u % panel.split : u}: ${signed(values[u])}` : "");
    };
    pic.onmouseleave = () => tipFor(inst, null, "");
    const entry = { cells, numbers, at };
    if (row.same) paintStrip(entry, row.same);
    return entry;
  });
  if (panel.split) {
    const names = tag("div", "halves", el);
    names.style.width = `${cell * H}px`;
    panel.splitLabels.forEach((name) => { tag("span", "", names, name).style.width = `${cell * panel.split}px`; });
  }
}

function paintStrip(entry, values) {
  values.forEach((v, u) => {
    entry.cells[u].setAttribute("fill", entry.at(v));
    if (entry.numbers.length) entry.numbers[u].textContent = v.toFixed(2);
  });
}

function showStrips(inst, el, panel, step) {
  panel.rows.forEach((row, i) => { if (row.values) paintStrip(el._rows[i], row.values[step]); });
}

// ---- "bars": [[label, p], ...] at the step, most likely first -------------------------------------

function buildBars(inst, el, panel) {
  el._pic = svg("svg", { class: "bars" }, el);
  el._width = Math.max(200, Math.min(420 * (inst.data.scale || 1), (el.clientWidth || 320) - 4));
}

function showBars(inst, el, panel, step) {
  const s = inst.data.scale || 1, rows = panel.values[step], pic = el._pic, classes = inst.data.colours.classes;
  const width = el._width, nameW = Math.min(110 * s, width * 0.35), rh = 24 * s, room = width - nameW - 48 * s;
  pic.replaceChildren();
  pic.setAttribute("width", width);
  pic.setAttribute("height", rows.length * rh + 4);
  rows.forEach(([name, p], i) => {
    const y = i * rh + 2;
    label(pic, nameW - 6, y + rh / 2 + 4 * s, clip(String(name), 16), { "text-anchor": "end" }).appendChild(svg("title", {})).textContent = String(name);
    const c = panel.colourBy === "class" ? classes[panel.labels.indexOf(name) % classes.length] : inst.data.colours.accent;
    svg("rect", { x: nameW, y: y + 3 * s, width: Math.max(1, p * room), height: rh - 8 * s, fill: c }, pic);
    label(pic, nameW + p * room + 5, y + rh / 2 + 4 * s, p.toFixed(2), { class: "index" });
  });
}
