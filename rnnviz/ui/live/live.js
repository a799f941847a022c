// The step-through view, drawn in the browser from one payload per sentence
// (rnnviz/figures/live.py). A step only moves the cursor here: no round trip to the server.
// The server hears the step a moment later (a "moved" trigger, debounced) to keep the URL, the
// share link and teacher mode in step. Tokens are user text: they are only ever set with
// textContent, never as HTML.

const SVG = "http://www.w3.org/2000/svg";
const SYNC_MS = 250;           // quiet time before the server is told the step
const PLAY_MS = 1000;          // autoplay: one token a second

function svg(tag, attrs, parent) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (parent) parent.appendChild(node);
  return node;
}

function tag(name, className, parent, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function label(parent, x, y, text, attrs) {
  const node = svg("text", { x, y, ...(attrs || {}) }, parent);
  node.textContent = text;
  return node;
}

// colour scale [[position, [r, g, b]], ...] at x in [0, 1], as [r, g, b]
function rgbAt(scale, x) {
  x = Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0.5));
  for (let i = 1; i < scale.length; i++) {
    const [p1, c1] = scale[i];
    if (x <= p1) {
      const [p0, c0] = scale[i - 1];
      const f = p1 > p0 ? (x - p0) / (p1 - p0) : 0;
      return c0.map((v, k) => Math.round(v + f * (c1[k] - v)));
    }
  }
  return scale[scale.length - 1][1];
}

// the same, as a CSS colour
function colourAt(scale, x) {
  const c = rgbAt(scale, x);
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

// a grid of cells as one picture: `colour(column, row)` → [r, g, b] (or null: transparent), one
// pixel per cell, drawn `width` × `height` and kept sharp. An <svg> of 50,000 <rect>s costs a
// repaint of every one at each step; one image does not.
function cellImage(parent, columns, rows, colour, attrs) {
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, columns);
  canvas.height = Math.max(1, rows);
  const context = canvas.getContext("2d"), pixels = context.createImageData(canvas.width, canvas.height);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const rgb = colour(c, r), at = 4 * (r * canvas.width + c);
      if (!rgb) continue;
      pixels.data[at] = rgb[0]; pixels.data[at + 1] = rgb[1]; pixels.data[at + 2] = rgb[2]; pixels.data[at + 3] = 255;
    }
  }
  context.putImageData(pixels, 0, 0);
  return svg("image", { preserveAspectRatio: "none", class: "cells", href: canvas.toDataURL(), ...attrs }, parent);
}

const sub = (n) => String(n).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[d]);
const signed = (v) => (v >= 0 ? "+" : "−") + Math.abs(v).toFixed(3);
const clip = (text, chars) => (text.length > chars ? text.slice(0, Math.max(1, chars - 1)) + "…" : text);

function gradient(defs, id, scale) {
  const g = svg("linearGradient", { id, x1: "0", x2: "1", y1: "0", y2: "0" }, defs);
  for (const [p, c] of scale) svg("stop", { offset: p, "stop-color": `rgb(${c[0]},${c[1]},${c[2]})` }, g);
}

// ---- building the view (once per sentence) ---------------------------------------------------

// ---- the cursor's bar, shared by every view ---------------------------------------------------

// the bar every view starts with: ← Previous, ▶ Play, Next →, a slider over the `positions`
function cursorBar(inst, root, data, positions) {
  root.replaceChildren();
  inst.data = data;
  inst.positions = positions;
  const s = data.scale || 1;
  root.style.setProperty("--scale", s);
  root.style.setProperty("--block-text", data.colours.blockText);   // theme.py's colours, not the CSS's
  root.style.setProperty("--muted", data.colours.muted);
  const bar = tag("div", "bar", root);
  inst.prev = tag("button", "step", bar, "← " + data.words.previous);
  inst.play = tag("button", "step play", bar, (inst.playing ? "❚❚ " : "▶ ") + (inst.playing ? data.words.pause : data.words.play));
  inst.next = tag("button", "step", bar, data.words.next + " →");
  inst.range = tag("input", "range", bar);
  Object.assign(inst.range, { type: "range", min: 0, max: Math.max(0, positions - 1), step: 1 });
  inst.range.setAttribute("aria-label", data.words.token);
  inst.here = tag("span", "here", bar);
  inst.note = tag("span", "edge", bar);      // "last token: → stops here", after a push past either end
  inst.note.setAttribute("role", "status");
  tag("span", "keys", bar, data.words.keys);
  inst.prev.onclick = () => go(inst, inst.step - 1);
  inst.next.onclick = () => go(inst, inst.step + 1);
  inst.play.onclick = () => togglePlay(inst);
  inst.range.oninput = () => go(inst, Number(inst.range.value));
  return bar;
}

// ---- the step-through view (data from rnnviz/figures/live.py live_view) ------------------------

function build(inst, root, data) {
  root.dataset.sentence = data.tokens.join(" ");
  const s = data.scale || 1, T = data.tokens.length;
  cursorBar(inst, root, data, T);
  root.classList.toggle("projector", s > 1);     // teacher mode: the keys' hint goes, the pictures start higher
  inst.tip = tag("div", "tip", root);
  inst.width = root.clientWidth;
  const width = Math.max(320, (root.clientWidth || 960) - 8);
  const left = Math.round(62 * s);
  const cw = Math.round(Math.min(84 * s, Math.max(38 * s, (width - left - 12) / Math.max(T, 1))));
  Object.assign(inst, { left, cw, outlines: [], areas: [], scrolls: [], widths: {} });   // widths: measured once
  // one screen, top to bottom: the chain, the current step (gates | prediction), the whole sentence's states
  const chainPic = picture(inst, root, "chain");
  chainPic.setAttribute("height", chain(inst, chainPic, svg("defs", {}, chainPic), 0));
  const row = tag("div", "row now", root);
  inst.gatesPanel = tag("div", "panel gates", row);
  inst.predPanel = tag("div", "panel pred", row);
  inst.shown = shownUnits(inst);
  if (data.units && data.units.choose) unitBar(inst, root);
  const grid = picture(inst, root, "grid");
  inst.chart = grid;
  gradient(svg("defs", {}, grid), "live-state", data.colours.state);
  let y = 0;
  for (const state of [data.hidden, data.cellState]) {
    if (state) y = heatmap(inst, grid, state, y + 10 * s);
  }
  if (data.prediction.kind === "classes") y = classLines(inst, grid, y + 14 * s);
  grid.setAttribute("height", y + 8 * s);
  const more = tag("div", "row", root);
  inst.rolledPanel = tag("div", "panel rolled", more);
  rolled(inst, inst.rolledPanel);
}

// a picture over the tokens (its columns line up with the chain's), scrolled sideways when long
function picture(inst, root, className) {
  const { left, cw } = inst, T = inst.data.tokens.length;
  const box = tag("div", "scroll", root);
  inst.scrolls.push(box);
  const pic = svg("svg", { class: className, width: left + T * cw + 12, "data-left": left, "data-cw": cw }, box);
  pic.onclick = (e) => {
    const t = columnAt(inst, e, pic);
    if (t !== null) go(inst, t);
  };
  pic.onmousemove = (e) => hover(inst, e, pic);
  pic.onmouseleave = () => { inst.tip.style.display = "none"; };
  return pic;
}

function chain(inst, chart, defs, top) {
  const { data, left, cw } = inst, s = data.scale || 1;
  const marker = svg("marker", { id: "live-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
    markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" }, defs);
  svg("path", { d: "M0,0 L10,5 L0,10 z", fill: data.colours.arrow }, marker);
  const h = Math.round(34 * s), y = top + Math.round(14 * s);
  const carried = data.cellState ? "h, c" : "h";
  label(chart, 4, y + h / 2 + 4, data.cellName, { class: "axis strong" });
  inst.blocks = data.tokens.map((token, t) => {
    const x = left + t * cw;
    const g = svg("g", { class: "block" }, chart);
    svg("title", {}, g).textContent = `${t} · ${token}`;        // the whole token, when clipped
    const box = svg("rect", { x: x + 4, y, width: cw - 8, height: h, rx: 6 * s,
      fill: data.colours.block, stroke: data.colours.accent, "stroke-width": 1.2 * s }, g);
    const chars = Math.max(2, Math.floor((cw - 10) / (7.5 * s)));
    const word = label(g, x + cw / 2, y + h / 2 + 5 * s, clip(token, chars),
      { "text-anchor": "middle", class: data.known[t] ? "token" : "token unknown" });
    if (!data.known[t]) word.textContent = clip(token, chars - 1) + "?";
    label(g, x + cw / 2, y - 4 * s, "x" + sub(t), { "text-anchor": "middle", class: "index" });
    if (t + 1 < data.tokens.length) {
      svg("line", { x1: x + cw - 4, y1: y + h / 2, x2: x + cw + 4, y2: y + h / 2,
        stroke: data.colours.arrow, "stroke-width": 1.5 * s, "marker-end": "url(#live-arrow)" }, g);
    }
    if (t === 0) label(g, x + cw - 2, y + h + 12 * s, carried + " →", { class: "index" });
    return { box, word };
  });
  const end = left + data.tokens.length * cw - 4;
  if (end - left > 200 * s) label(chart, end, y + h + 12 * s, data.words.shared, { class: "index", "text-anchor": "end" });
  return y + h + 15 * s;
}

function heatmap(inst, chart, state, top) {
  const { data, left, cw } = inst, s = data.scale || 1;
  const values = state.values, T = values.length, units = inst.shown, H = units.length;
  const many = Boolean(data.units && data.units.choose);       // rows of a chosen order: each names its unit
  const rh = Math.max(3, Math.min(12 * s, Math.floor(((many ? 320 : 260) * s) / Math.max(H, 1))));
  const y0 = top + 22 * s;
  label(chart, left, top + 12 * s, state.title, { class: "title" });
  const legendX = left + Math.min(320 * s, 8 * state.title.length * s + 24);
  const bar = { "data-legend": state.legend };
  label(chart, legendX, top + 12 * s, "−" + state.range, { class: "index", "text-anchor": "end" });
  svg("rect", { x: legendX + 4, y: top + 3 * s, width: 90 * s, height: 10 * s, fill: "url(#live-state)", class: "legend", ...bar }, chart);
  label(chart, legendX + 98 * s, top + 12 * s, "+" + state.range + (state.letter === "c" ? " · " + data.words.fixed_range : ""), { class: "index" });
  axisTitle(chart, y0 + (H * rh) / 2, data.words.unit, s);
  unitLabels(inst, chart, y0, rh, many);
  const cells = svg("g", { class: "heatmap", "data-letter": state.letter, "data-top": y0, "data-rh": rh,
    "data-units": units.join(" ") });
  cellImage(cells, T, H, (t, r) => rgbAt(data.colours.state, 0.5 + values[t][units[r]] / (2 * state.range)),
    { x: left, y: y0, width: T * cw, height: H * rh });
  chart.appendChild(cells);
  inst.areas.push({ state, top: y0, bottom: y0 + H * rh, rh, units });
  outline(inst, chart, y0, H * rh);
  return y0 + H * rh;
}

// the rows' unit numbers: the first and last (units in their natural order), or, for a chosen
// order, every row there is room to name (a flag's row marked ◆)
function unitLabels(inst, chart, y0, rh, many) {
  const { left, data } = inst, s = data.scale || 1, units = inst.shown, H = units.length;
  if (!many) {
    label(chart, left - 6, y0 + rh, String(units[0]), { class: "index", "text-anchor": "end" });
    label(chart, left - 6, y0 + H * rh, String(units[H - 1]), { class: "index", "text-anchor": "end" });
    return;
  }
  const every = Math.max(1, Math.ceil((10 * s) / rh));
  const flagged = inst.flagged;
  for (let r = 0; r < H; r += every) {
    const u = units[r];
    label(chart, left - 4, y0 + r * rh + rh / 2 + 3 * s, (flagged.has(u) ? "◆ " : "") + u,
      { class: "unitnum" + (flagged.has(u) ? " flagged" : ""), "text-anchor": "end" });
  }
}

// the units drawn as rows, top to bottom: the chosen order (all, or its first `top`)
function shownUnits(inst) {
  const units = inst.data.units;
  if (!units) return inst.data.hidden.values.length ? inst.data.hidden.values[0].map((_, u) => u) : [];
  const choice = inst.unitChoice || inst.data.unitChoice;
  const order = units.orders[choice.order] || units.orders.natural;
  inst.flagged = new Map(units.flagged || []);
  return choice.all ? order.slice() : order.slice(0, units.top);
}

// "Units: most active · flags first · by number   all 256 units   rows: 32 of 256 units": the
// student's choice redraws the view here (no round trip) and is told to the server for its copies
function unitBar(inst, root) {
  const { data } = inst, units = data.units, words = units.words, choice = inst.unitChoice || data.unitChoice;
  const bar = tag("div", "bar units", root);
  tag("span", "units-label", bar, words.sort);
  for (const name of ["activity", "flags", "natural"]) {
    if (!units.orders[name]) continue;
    const button = tag("button", "step order", bar, words.orders[name]);
    button.dataset.order = name;
    button.title = words.helps[name];
    button.setAttribute("aria-pressed", String(choice.order === name));
    button.onclick = () => chooseUnits(inst, { order: name });
  }
  const every = tag("button", "step all", bar, words.all);
  every.setAttribute("aria-pressed", String(choice.all));
  every.onclick = () => chooseUnits(inst, { all: !choice.all });
  tag("span", "units-note", bar, choice.all ? words.showing_all : words.showing_top);
  if (units.flagged.length) {
    tag("span", "units-flags", bar, "◆ " + words.flagged + ": " + units.flagged.map(([u, name]) => `${u} ${name}`).join(" · "));
  }
}

function chooseUnits(inst, change) {
  inst.unitChoice = { ...(inst.unitChoice || inst.data.unitChoice), ...change };
  const step = inst.step;
  inst.areas = [];
  viewOf(inst.data).build(inst, inst.root, inst.data);
  viewOf(inst.data).show(inst, step);
  if (inst.setStateValue) inst.setStateValue("units", inst.unitChoice);
}

function axisTitle(chart, y, text, s) {
  const x = 16 * s;
  label(chart, x, y, text, { class: "axis", "text-anchor": "middle", transform: `rotate(-90 ${x} ${y})` });
}

// the current step's column: theme.STEP_OUTLINE's [colour, width] pairs, a halo under the highlight
function outline(inst, chart, y, height) {
  const { data, cw } = inst, s = data.scale || 1;
  for (const [colour, width] of data.colours.outline) {
    inst.outlines.push(svg("rect", { y, width: cw, height, fill: "none", stroke: colour,
      "stroke-width": width * s, class: "outline" }, chart));
  }
}

function classLines(inst, chart, top) {
  const { data, left, cw } = inst, s = data.scale || 1, pred = data.prediction;
  const h = Math.round(120 * s), y0 = top + 22 * s;
  label(chart, left, top + 12 * s, pred.title, { class: "title" });
  pred.labels.forEach((name, c) => {
    const x = left + Math.min(320 * s, 8 * pred.title.length * s + 24) + c * 110 * s;
    svg("rect", { x, y: top + 3 * s, width: 10 * s, height: 10 * s,
      fill: data.colours.classes[c % data.colours.classes.length] }, chart);
    label(chart, x + 14 * s, top + 12 * s, clip(name, 14), { class: "index" });
  });
  svg("rect", { x: left, y: y0, width: pred.probs.length * cw, height: h, class: "frame" }, chart);
  label(chart, left - 6, y0 + 8 * s, "1", { class: "index", "text-anchor": "end" });
  label(chart, left - 6, y0 + h, "0", { class: "index", "text-anchor": "end" });
  axisTitle(chart, y0 + h / 2, data.words.probability, s);
  pred.labels.forEach((_, c) => {
    const points = pred.probs.map((row, t) => `${left + t * cw + cw / 2},${y0 + (1 - row[c]) * h}`);
    svg("polyline", { points: points.join(" "), fill: "none", "stroke-width": 2.5 * s,
      stroke: data.colours.classes[c % data.colours.classes.length] }, chart);
  });
  inst.areas.push({ probs: pred, top: y0, bottom: y0 + h });
  outline(inst, chart, y0, h);
  return y0 + h;
}

function rolled(inst, panel) {
  const { data } = inst, s = data.scale || 1;
  tag("div", "title", panel, data.words.rolled);
  const w = 170 * s, h = 170 * s;
  const pic = svg("svg", { width: w, height: h }, panel);
  const defs = svg("defs", {}, pic);
  const m = svg("marker", { id: "live-arrow-r", viewBox: "0 0 10 10", refX: 9, refY: 5,
    markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" }, defs);
  svg("path", { d: "M0,0 L10,5 L0,10 z", fill: data.colours.arrow }, m);
  const bx = 45 * s, by = 62 * s, bw = 80 * s, bh = 44 * s;
  svg("rect", { x: bx, y: by, width: bw, height: bh, rx: 8 * s, fill: data.colours.highlight,
    stroke: data.colours.accent, "stroke-width": 1.5 * s }, pic);
  label(pic, bx + bw / 2, by + bh / 2 + 5 * s, data.cellName, { "text-anchor": "middle", class: "strong dark" });
  const arrow = { stroke: data.colours.arrow, "stroke-width": 1.5 * s, fill: "none", "marker-end": "url(#live-arrow-r)" };
  svg("path", { d: `M${bx + bw},${by + bh / 2} C${bx + bw + 40 * s},${by + bh / 2} ${bx + bw + 40 * s},${by - 30 * s} ${bx + bw / 2 + 10 * s},${by - 30 * s} C${bx + bw / 2 - 10 * s},${by - 30 * s} ${bx + bw / 2 - 10 * s},${by - 14 * s} ${bx + bw / 2 - 6 * s},${by - 2}`, ...arrow }, pic);
  label(pic, bx + bw + 18 * s, by - 20 * s, data.cellState ? "h, c" : "h", { class: "index" });
  svg("line", { x1: bx + bw / 2, y1: by + bh + 30 * s, x2: bx + bw / 2, y2: by + bh + 2, ...arrow }, pic);
  inst.rolledToken = label(pic, bx + bw / 2, by + bh + 46 * s, "", { "text-anchor": "middle", class: "token" });
  tag("div", "caption", panel, data.words.rolled_caption);
}

// ---- what changes at a step ------------------------------------------------------------------

function show(inst, step) {
  const { data } = inst, T = data.tokens.length;
  step = Math.min(T - 1, Math.max(0, step));
  const x = inst.left + step * inst.cw;
  reveal(inst, x);                              // first: it reads the layout, which is still clean here
  const before = inst.blocks[inst.step];
  if (before) { before.box.setAttribute("fill", data.colours.block); before.box.classList.remove("now"); }
  inst.step = step;
  const now = inst.blocks[step];
  now.box.setAttribute("fill", data.colours.highlight);
  now.box.classList.add("now");
  for (const r of inst.outlines) r.setAttribute("x", x);
  inst.range.value = step;
  inst.here.textContent = `t = ${step} · ${data.tokens[step]}` + (data.known[step] ? "" : ` (${data.words.unknown})`);
  inst.rolledToken.textContent = "x" + sub(step) + " = " + clip(data.tokens[step], 14);
  gates(inst, step);
  prediction(inst, step);
  inst.root.dataset.step = String(step);        // for tests and timing scripts (as is data-sentence)
}

// keep the step's column in sight in every picture scrolled sideways (every box read, then every
// box moved: a read after a change would make the browser lay the page out again)
function reveal(inst, x) {
  const margin = 2 * inst.cw;
  const seen = inst.scrolls.map((box) => [box, box.scrollLeft, box.clientWidth]);
  for (const [box, left, width] of seen) {
    if (x - margin < left) box.scrollLeft = Math.max(0, x - margin);
    else if (x + inst.cw + margin > left + width) box.scrollLeft = x + inst.cw + margin - width;
  }
}

// "inside the cell": one 1 × H strip per gate, then c and h; every strip with its own legend
function gates(inst, step) {
  const { data } = inst, s = data.scale || 1, panel = inst.gatesPanel;
  panel.replaceChildren();
  tag("div", "title", panel, `${data.words.inside} x${sub(step)} · ${data.tokens[step]}` + (data.slice ? ` · ${data.slice}` : ""));
  if (!data.gates.length && data.words.no_gates) tag("div", "caption", panel, data.words.no_gates);
  const units = inst.shown, pick = (values) => units.map((u) => values[u]);
  const rows = data.gates.map((g) => ({ label: g.label, values: pick(g.values[step]), diverging: g.diverging, range: g.range, legend: g.legend }));
  for (const state of [data.cellState, data.hidden]) {
    if (state) rows.push({ label: state.label, values: pick(state.values[step]), diverging: true, range: state.range, legend: state.legend });
  }
  const H = rows[0].values.length, rh = 15 * s, gap = 4 * s;
  const labelW = Math.max(...rows.map((r) => r.label.length)) * 6.2 * s + 10;       // text widths, estimated
  const legendW = 40 * s + Math.max(...rows.map((r) => r.legend.length)) * 5.6 * s;
  const width = inst.widths.gates || (inst.widths.gates = Math.max(240, panel.clientWidth || 420));   // no reflow per step
  const cell = Math.max(data.units && data.units.choose ? 1 : 4, Math.min(28 * s, (width - labelW - legendW - 8) / H));
  const numbered = Boolean(data.units && data.units.choose) && cell >= 15 * s;     // the units' numbers under the strips
  const pic = svg("svg", { width: labelW + cell * H + legendW, height: rows.length * (rh + gap) + 2 + (numbered ? 12 * s : 0),
    class: "strips", "data-units": units.join(" ") }, panel);
  const defs = svg("defs", {}, pic);
  gradient(defs, "live-strip-state", data.colours.state);
  gradient(defs, "live-strip-gate", data.colours.gate);
  rows.forEach((row, i) => {
    const y = i * (rh + gap) + 1;
    label(pic, labelW - 6, y + rh / 2 + 4 * s, row.label, { class: "index", "text-anchor": "end" });
    const rgb = (v) => (row.diverging ? rgbAt(data.colours.state, 0.5 + v / (2 * row.range)) : rgbAt(data.colours.gate, v / row.range));
    if (H > 64) {                                 // every unit of a wide model: one picture per strip, no gaps
      cellImage(pic, H, 1, (u) => rgb(row.values[u]), { x: labelW, y, width: cell * H, height: rh });
    } else {
      row.values.forEach((v, u) => {
        const c = rgb(v);
        svg("rect", { x: labelW + u * cell, y, width: Math.max(1, cell - 1), height: rh, fill: `rgb(${c[0]},${c[1]},${c[2]})` }, pic);
        if (H <= 16 && cell >= 24 * s) label(pic, labelW + u * cell + cell / 2, y + rh / 2 + 4 * s, v.toFixed(2),
          { "text-anchor": "middle", class: "cellnum " + (Math.abs(v) > 0.6 || (!row.diverging && v < 0.4) ? "light" : "dark") });
      });
    }
    legend(pic, labelW + cell * H + 8, y, rh, row, s);
  });
  if (numbered) {
    const y = rows.length * (rh + gap) + 9 * s;
    units.forEach((u, i) => label(pic, labelW + i * cell + cell / 2, y, String(u), { "text-anchor": "middle", class: "unitnum" }));
  }
  pic.onmousemove = (e) => {                      // the strip and unit under the mouse, from its position
    const box = pic.getBoundingClientRect(), x = e.clientX - box.left - labelW, y = e.clientY - box.top - 1;
    const i = Math.floor(y / (rh + gap)), u = Math.floor(x / cell), row = rows[i];
    const inside = row && u >= 0 && u < H && y - i * (rh + gap) < rh;
    tipFor(inst, e, inside ? `${row.label} · ${data.words.unit} ${units[u]}: ${signed(row.values[u])}` : "");
  };
  pic.onmouseleave = () => { inst.tip.style.display = "none"; };
}

// a strip's legend: its colour bar and range ("0 … 1", "−10 … +10")
function legend(pic, x, y, rh, row, s) {
  svg("rect", { x, y: y + rh * 0.2, width: 30 * s, height: rh * 0.6, class: "legend", "data-legend": row.legend,
    fill: row.diverging ? "url(#live-strip-state)" : "url(#live-strip-gate)" }, pic);
  label(pic, x + 34 * s, y + rh / 2 + 4 * s, row.legend, { class: "index" });
}

function prediction(inst, step) {
  const { data } = inst, s = data.scale || 1, pred = data.prediction, panel = inst.predPanel;
  panel.replaceChildren();
  const rows = pred.kind === "words" ? pred.top[step]
    : pred.labels.map((name, c) => [name, pred.probs[step][c]]).sort((a, b) => b[1] - a[1]);
  const title = pred.kind === "words" ? `${pred.title} · ${data.words.after} “${data.tokens[step]}”`
    : `${data.headLabel || pred.title} · ${data.words.after} “${data.tokens[step]}”`;
  tag("div", "title", panel, title);
  const longest = Math.max(...rows.map(([name]) => Math.min(14, String(name).length)));
  const width = inst.widths.pred || (inst.widths.pred = Math.max(200, Math.min(420 * s, panel.clientWidth || 360)));
  const nameW = (longest * 7.5 + 10) * s, rh = 20 * s;
  const pic = svg("svg", { width, height: rows.length * rh + 2 }, panel);
  rows.forEach(([name, p], i) => {
    const y = i * rh + 1;
    label(pic, nameW - 8, y + rh / 2 + 4 * s, clip(String(name), 14), { "text-anchor": "end", class: "token" });
    const c = pred.kind === "words" ? data.colours.accent : data.colours.classes[pred.labels.indexOf(name) % data.colours.classes.length];
    svg("rect", { x: nameW, y: y + 3 * s, width: Math.max(1, p * (width - nameW - 50 * s)), height: rh - 6 * s, fill: c }, pic);
    label(pic, nameW + p * (width - nameW - 50 * s) + 6, y + rh / 2 + 4 * s, p.toFixed(2), { class: "index" });
  });
}

// ---- hover and clicks ------------------------------------------------------------------------

function columnAt(inst, e, pic) {
  const box = (pic || inst.chart).getBoundingClientRect();
  const t = Math.floor((e.clientX - box.left - inst.left) / inst.cw);
  return t >= 0 && t < inst.data.tokens.length ? t : null;
}

function hover(inst, e, pic) {
  const t = columnAt(inst, e, pic);
  if (t === null) { inst.tip.style.display = "none"; return; }
  const y = e.clientY - pic.getBoundingClientRect().top;
  const area = pic === inst.chart ? inst.areas.find((a) => y >= a.top && y < a.bottom) : null;
  const { data } = inst;
  let text = `${t} · ${data.tokens[t]}`;
  if (area && area.state) {
    const u = area.units[Math.min(area.units.length - 1, Math.floor((y - area.top) / area.rh))];
    const flag = inst.flagged && inst.flagged.get(u);
    text += ` — ${data.words.unit} ${u}${flag ? ` (${flag})` : ""}: ${area.state.letter} = ${signed(area.state.values[t][u])}`;
  } else if (area && area.probs) {
    text += " — " + area.probs.labels.map((n, c) => `${n} ${area.probs.probs[t][c].toFixed(3)}`).join(", ");
  }
  tipFor(inst, e, text);
}

function tipFor(inst, e, text) {
  const tip = inst.tip;
  if (!text) { tip.style.display = "none"; return; }
  const box = inst.root.getBoundingClientRect();
  tip.textContent = text;
  tip.style.display = "block";
  tip.style.left = `${e.clientX - box.left + 14}px`;
  tip.style.top = `${e.clientY - box.top + 14}px`;
}

// a grid the server packed (figures/live.py _grid: base64 float32, row after row) as rows of numbers
function unpackGrid(values) {
  if (!values || Array.isArray(values) || !values.float32) return values;
  const bytes = Uint8Array.from(atob(values.float32), (c) => c.charCodeAt(0));
  const flat = new Float32Array(bytes.buffer), [T, H] = values.shape;
  return Array.from({ length: T }, (_, t) => flat.subarray(t * H, (t + 1) * H));
}

function unpack(data) {
  for (const part of [data.hidden, data.cellState, ...(data.gates || [])]) {
    if (part) part.values = unpackGrid(part.values);
  }
}

// ---- moving, playing, telling the server -----------------------------------------------------

// the views the component draws: data.view names one ("step" when absent); each has
// build(inst, root, data), which draws everything once, and show(inst, step), which moves the cursor
const VIEWS = { step: { build, show } };

function viewOf(data) {
  return VIEWS[data.view || "step"];
}

// move the cursor to `step`, kept inside 0 … T−1: a push past either end stays there and says so
function go(inst, step) {
  const T = inst.positions, words = inst.data.words;
  const target = Math.min(T - 1, Math.max(0, step));
  inst.note.textContent = step > T - 1 ? words.at_end || "" : step < 0 ? words.at_start || "" : "";
  if (target === inst.step) return;
  viewOf(inst.data).show(inst, target);
  clearTimeout(inst.timer);
  inst.timer = setTimeout(() => {
    inst.sent = inst.step;
    (inst.pending = inst.pending || []).push(inst.step);    // steps told, whose echo may still come back
    inst.setTriggerValue("moved", inst.step);   // an event: the same step twice still counts
  }, SYNC_MS);
}

// the page got wider or narrower (sidebar, window): draw again at the new width, same step
function refit(inst) {
  clearTimeout(inst.refitTimer);
  inst.refitTimer = setTimeout(() => {
    const width = inst.root.clientWidth;
    if (!inst.data || !width || Math.abs(width - (inst.width || 0)) < 40) return;
    const step = inst.step;
    inst.areas = [];
    viewOf(inst.data).build(inst, inst.root, inst.data);
    viewOf(inst.data).show(inst, step);
  }, 150);
}

function togglePlay(inst) {
  const words = inst.data.words;
  if (inst.playing) {
    clearInterval(inst.playing);
    inst.playing = null;
    inst.play.textContent = "▶ " + words.play;
    return;
  }
  inst.play.textContent = "❚❚ " + words.pause;
  if (inst.step >= inst.positions - 1) go(inst, 0);           // played to the end before: from the start
  inst.playing = setInterval(() => {
    if (!inst.root.isConnected) { clearInterval(inst.playing); inst.playing = null; return; }
    go(inst, inst.step + 1);
    if (inst.step >= inst.positions - 1) togglePlay(inst);     // autoplay stops at the last token
  }, PLAY_MS);
}

function onKey(inst, e) {
  if (!inst.root.isConnected || e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
  const target = e.composedPath()[0] || e.target;
  const name = (target.tagName || "").toLowerCase();
  if (["input", "textarea", "select"].includes(name) || target.isContentEditable) return;
  if (target.getAttribute && target.getAttribute("role") === "slider") return;
  const T = inst.positions;
  const moves = { ArrowRight: inst.step + 1, ArrowLeft: inst.step - 1, Home: 0, End: T - 1 };
  if (e.key in moves) {
    e.preventDefault();
    go(inst, moves[e.key]);
  } else if (e.key === " " && name !== "button") {
    e.preventDefault();
    togglePlay(inst);
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue, setStateValue } = component;
  const root = parentElement.querySelector(".live");
  const inst = parentElement.__rnnvizLive || (parentElement.__rnnvizLive = { step: 0, sent: null });
  inst.root = root;
  root.dataset.view = data.view || "step";
  inst.setTriggerValue = setTriggerValue;
  inst.setStateValue = setStateValue;
  if (inst.id !== data.id && data.slim) {   // numbers we do not hold (a remount): ask for them
    setStateValue("have", "");
    return () => {};
  }
  if (inst.id !== data.id) {                 // a new sentence, model, language or size
    inst.id = data.id;
    inst.unitChoice = data.unitChoice;       // the server's copy of the student's last choice
    unpack(data);                            // once per sentence
    inst.pending = [];
    inst.areas = [];
    viewOf(data).build(inst, root, data);
    inst.serverStep = data.step;
    viewOf(data).show(inst, data.step);
    if (data.wide) setStateValue("have", data.id);   // a wide model's reruns may now leave the numbers out
  } else if (data.step !== inst.serverStep) { // the server moved the cursor (not our own echo)
    inst.serverStep = data.step;
    const echo = (inst.pending || []).indexOf(data.step);   // an older step we told: not a move
    if (echo >= 0) inst.pending = inst.pending.slice(echo + 1);
    else if (data.step !== inst.step) viewOf(data).show(inst, data.step);
  }
  if (inst.onKey) document.removeEventListener("keydown", inst.onKey);
  inst.onKey = (e) => onKey(inst, e);
  document.addEventListener("keydown", inst.onKey);
  if (inst.resized) inst.resized.disconnect();
  inst.resized = new ResizeObserver(() => refit(inst));
  inst.resized.observe(root);
  return () => {
    document.removeEventListener("keydown", inst.onKey);
    inst.resized.disconnect();
  };
}
