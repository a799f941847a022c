// Cell anatomy's "terms" panel: the lesson's cell equation filled in with the real numbers of the
// token at the cursor, then (LSTM, GRU) each gate's own equation as rows of 1 × H strips.
// The payload is rnnviz/figures/anatomy_panel.py's anatomy_panel, the record the plotly anatomy
// figures draw too: the weights W, H, b and every title are sent once, frames[t] holds what
// changes at token t (x_t, h_prev, a, h_t, every strip). buildTerms draws everything once;
// showTerms only recolours the vectors and strips. Titles carry a subscript markup ("h_{t−1}");
// the tokens are user text and are set with textContent only.

const TERMS_SUB = /_\{([^}]*)\}/;

// markup "W_{i}·x_{t}" into an HTML element: text nodes and <sub> elements
function termsHtml(parent, text) {
  const parts = String(text).split(TERMS_SUB);          // even: plain text, odd: a subscript
  parts.forEach((part, i) => {
    if (!part) return;
    if (i % 2) tag("sub", "", parent, part);
    else parent.appendChild(document.createTextNode(part));
  });
  return parent;
}

// the same markup as an SVG <text>, subscripts as smaller lowered tspans
function termsSvg(parent, x, y, text, attrs) {
  const node = svg("text", { x, y, ...(attrs || {}) }, parent);
  let lowered = false;
  String(text).split(TERMS_SUB).forEach((part, i) => {
    if (!part) return;
    const sub = i % 2 === 1;
    const span = svg("tspan", sub ? { dy: "0.3em", "font-size": "75%" } : (lowered ? { dy: "-0.3em" } : {}), node);
    span.textContent = part;
    lowered = sub;
  });
  return node;
}

// where v sits on the colour axis `axis`, 0 … 1
function termsPlace(panel, axis) {
  const [low, high] = panel.axes[axis].range;
  return (v) => (v - low) / (high - low || 1);
}

function termsColour(inst, panel, axis) {
  const scale = panel.colours[panel.axes[axis].scale], place = termsPlace(panel, axis);
  return (v) => colourAt(scale, place(v));
}

function termsLegends(parent, panel, names) {
  const key = tag("div", "pkey", parent);
  for (const name of names) {
    const a = panel.axes[name];
    const text = `${a.title}: ${a.range[0].toFixed(1)} … +${a.range[1].toFixed(1)}`.replace("-", "−");
    legendBar(key, panel.colours[a.scale], text);
  }
}

function buildTerms(inst, el, panel) {
  const s = inst.data.scale || 1;
  el.classList.add("terms");
  el._tokens = termsTokens(inst, el, panel);
  el._heading = tag("div", "theading", el);
  termsHtml(tag("div", "tequation", el), panel.equation);
  termsLegends(el, panel, ["weights", "inputs", "states", "sum"]);
  el._vectors = termsSimple(inst, el, panel, s);
  el._strips = [];
  if (panel.words.no_gates) tag("div", "caption wide", el, panel.words.no_gates);
  if (panel.rows.length) {
    termsLegends(el, panel, ["gate", "bounded", "sum"]);
    el._strips = panel.rows.map((row, r) => termsRow(inst, el, panel, row, r, s));
  }
}

// the sentence's tokens as chips: a click moves the cursor there
function termsTokens(inst, el, panel) {
  const line = tag("div", "ttokens", el);
  return panel.tokens.map((token, t) => {
    const chip = tag("button", panel.known[t] ? "tchip" : "tchip unknown", line, panel.known[t] ? token : token + " (?)");
    chip.onclick = () => go(inst, t);
    return chip;
  });
}

// W, x_t, H, h_prev, b, a (and h_t for a plain RNN) side by side, one row per unit of every gate block
function termsSimple(inst, el, panel, s) {
  const rows = panel.weights.W.length, units = panel.units, blocks = panel.blocks;
  const width = Math.max(320, (el.clientWidth || 900) - 8);
  const matrixCols = panel.simple.filter((p) => p.name in panel.weights && Array.isArray(panel.weights[p.name][0]))
    .reduce((n, p) => n + panel.weights[p.name][0].length, 0);
  const vectors = panel.simple.length - 2, gap = 14 * s, left = 26 * s, top = 34 * s;
  const vw = Math.round(Math.min(34 * s, Math.max(26 * s, width / 36)));
  const mw = Math.max(2, Math.min(12 * s, (width - left - vectors * vw - panel.simple.length * gap) / Math.max(matrixCols, 1)));
  const rh = Math.max(2, Math.min(14 * s, (360 * s) / rows));
  const pic = svg("svg", { class: "simple" }, tag("div", "tscroll", el));
  const shapeY = top + rows * rh + 16 * s;
  const vectorsAt = {};
  let x = left;
  for (const part of panel.simple) {
    const values = part.name in panel.weights ? panel.weights[part.name] : panel.frames[0][part.name];
    const matrix = Array.isArray(values[0]), cols = matrix ? values[0].length : 1, cw = matrix ? mw : vw;
    const colour = termsColour(inst, panel, part.axis);
    const middle = { "text-anchor": matrix ? "start" : "middle" }, at = matrix ? x : x + cw / 2;
    termsSvg(pic, at, top - 12 * s, part.title, { class: "ttitle", ...middle });
    const shape = matrix ? part.shape.split(" = ") : part.shape.split(": ");      // "W: … × …" / "= 128 × 16"; "x_{t}" / "16"
    termsSvg(pic, at, shapeY, shape[0], { class: "index", ...middle });
    if (shape[1]) label(pic, at, shapeY + 14 * s, (matrix ? "= " : "") + shape[1], { class: "index", ...middle });
    const g = svg("g", { "data-name": part.name }, pic);
    const cells = matrix ? [termsMatrix(g, values, colour, x, top, cw, rh)]
      : values.map((v, r) => svg("rect", { x, y: top + r * rh, width: cw + 0.3, height: rh + 0.3, fill: colour(v) }, g));
    if (blocks > 1 && values.length === rows) {
      for (let k = 1; k < blocks; k++) {
        svg("line", { x1: x, x2: x + cols * cw, y1: top + k * units * rh, y2: top + k * units * rh, class: "tblock" }, pic);
      }
    }
    const box = { x, cw, cols, matrix, name: part.name, title: part.title, rows: values.length };
    g.onmousemove = (e) => termsTip(inst, e, panel, box, top, rh);
    g.onmouseleave = () => tipFor(inst, null, "");
    if (!matrix && !(part.name in panel.weights)) vectorsAt[part.name] = { g, cells, colour };
    x += cols * cw + gap;
  }
  if (blocks > 1) {
    panel.letters.forEach((letter, k) => label(pic, left - 6 * s, top + (k + 0.5) * units * rh + 4 * s, letter,
      { "text-anchor": "end", class: "axis strong" }));
  }
  pic.setAttribute("width", x);
  pic.setAttribute("height", shapeY + 22 * s);
  return vectorsAt;
}

// a weight matrix (the same at every step) as one pixelated image, not thousands of rects: a step
// then repaints only the vectors and strips
function termsMatrix(g, values, colour, x, y, cw, rh) {
  const canvas = document.createElement("canvas");
  canvas.width = values[0].length;
  canvas.height = values.length;
  const pen = canvas.getContext("2d");
  values.forEach((row, r) => row.forEach((v, c) => { pen.fillStyle = colour(v); pen.fillRect(c, r, 1, 1); }));
  return svg("image", { x, y, width: canvas.width * cw, height: canvas.height * rh, href: canvas.toDataURL(),
    preserveAspectRatio: "none", style: "image-rendering: pixelated" }, g);
}

function termsTip(inst, e, panel, box, top, rh) {
  const rect = e.currentTarget.ownerSVGElement.getBoundingClientRect();
  const r = Math.floor((e.clientY - rect.top - top) / rh), c = Math.floor((e.clientX - rect.left - box.x) / box.cw);
  if (r < 0 || r >= box.rows || c < 0 || c >= box.cols) { tipFor(inst, e, ""); return; }
  const values = box.name in panel.weights ? panel.weights[box.name] : termsFrame(inst, panel)[box.name];
  const v = box.matrix ? values[r][c] : values[r];
  const units = panel.units, block = panel.blocks > 1 && box.rows === panel.blocks * units;
  const row = box.name === "x" ? panel.words.input.replace("{index}", r)
    : (block ? `${panel.letters[Math.floor(r / units)]} · ` : "") + panel.words.unit.replace("{unit}", block ? r % units : r);
  const name = box.title.replace(/_\{([^}]*)\}/g, "$1").replace(/^[+·= ]+/, "");
  tipFor(inst, e, `${name} — ${row}${box.matrix ? ", " + c : ""}: ${signed(v)}`);
}

function termsFrame(inst, panel) {
  return panel.frames[Math.min(panel.frames.length - 1, Math.max(0, inst.step))];
}

// one gate equation: its text, then its strips side by side (each 1 × H, numbers inside when H ≤ 16)
function termsRow(inst, el, panel, row, r, s) {
  termsHtml(tag("div", "tequation gate", el), row.equation);
  const units = panel.units, n = row.strips.length, gap = 14 * s;
  const width = Math.max(320, (el.clientWidth || 900) - 8);
  const cell = Math.max(3, Math.min(30 * s, (width - (n - 1) * gap) / (n * units)));
  const rh = Math.round(20 * s), top = 18 * s;
  const pic = svg("svg", { class: "strips", width: n * (units * cell + gap), height: top + rh + 4 }, tag("div", "tscroll", el));
  return row.strips.map((strip, k) => {
    const x = k * (units * cell + gap);
    termsSvg(pic, x, top - 5 * s, strip.title, { class: "index" });
    const g = svg("g", { "data-name": `${r}:${k}`, "data-title": strip.title.replace(/_\{([^}]*)\}/g, "$1") }, pic);
    const cells = Array.from({ length: units }, (_, u) => svg("rect", { x: x + u * cell, y: top, width: Math.max(1, cell - 0.6), height: rh }, g));
    const numbers = units <= 16 ? cells.map((_, u) => label(g, x + u * cell + cell / 2, top + rh / 2 + 4 * s, "",
      { "text-anchor": "middle", class: "cellnum" })) : [];
    g.onmousemove = (e) => {
      const u = Math.floor((e.clientX - pic.getBoundingClientRect().left - x) / cell);
      const v = termsFrame(inst, panel).rows[r][k][u];
      tipFor(inst, e, u >= 0 && u < units ? `${g.dataset.title} — ${panel.words.unit.replace("{unit}", u)}: ${signed(v)}` : "");
    };
    g.onmouseleave = () => tipFor(inst, null, "");
    const place = termsPlace(panel, strip.axis), sequential = panel.axes[strip.axis].scale === "gate";
    const light = (v) => (sequential ? place(v) < 0.4 : Math.abs(place(v) - 0.5) > 0.3);    // text on a dark cell
    return { g, cells, numbers, colour: termsColour(inst, panel, strip.axis), light };
  });
}

function showTerms(inst, el, panel, step) {
  const frame = panel.frames[Math.min(panel.frames.length - 1, Math.max(0, step))];
  el._tokens.forEach((chip, t) => chip.classList.toggle("now", t === frame.step));
  el._heading.textContent = [`t = ${frame.step}: ${panel.tokens[frame.step]}`, panel.slice].filter(Boolean).join(" · ");
  for (const [name, vector] of Object.entries(el._vectors)) {
    const values = frame[name];
    values.forEach((v, i) => vector.cells[i].setAttribute("fill", vector.colour(v)));
    vector.g.dataset.values = JSON.stringify(values);
  }
  el._strips.forEach((strips, r) => strips.forEach((strip, k) => {
    const values = frame.rows[r][k];
    values.forEach((v, u) => {
      strip.cells[u].setAttribute("fill", strip.colour(v));
      if (strip.numbers.length) {
        strip.numbers[u].textContent = v.toFixed(2);
        strip.numbers[u].setAttribute("class", "cellnum " + (strip.light(v) ? "light" : "dark"));
      }
    });
    strip.g.dataset.values = JSON.stringify(values);
  }));
}
