/* Texts: number formats, the status line and caption (twins of ui/live.py), the diagram's tooltips
   and the step-through's numbers by its neurons (placed on diagram.js's geometry). */
const fmt = (v) => (typeof v !== "number" || !isFinite(v) ? "–" : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toPrecision(4));

/** Thousands separators: 1234567 → "1,234,567". */
const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
/** ui/live.epoch_text: TFP's six-digit counter, 123 → "000,123"; from a million on, 1,234,567. */
function epochText(e) {
  const n = Math.max(0, Math.floor(Number(e) || 0));
  return n < 1e6 ? thousands(String(n).padStart(6, "0")) : thousands(n);
}
/** Python's f"{v:.4f}": toFixed rounds exact ties up, Python to even (a tie at 4 decimals is
    an odd multiple of 1/32: 0.03125). Non-finite values arrive as "inf", "-inf" or "nan". */
function fixed4(v) {
  if (typeof v === "string") return v;
  if (typeof v !== "number") return "nan";
  if (Number.isInteger(v * 32) && !Number.isInteger(v * 16)) {
    let n = Math.floor(Math.abs(v) * 1e4);
    if (n % 2) n += 1;
    return (Math.sign(v) * n / 1e4).toFixed(4);
  }
  return v.toFixed(4);
}
// weights and biases: every layer's fan_out × (fan_in + 1)
const nParams = (spec) => (spec.layers || []).reduce((a, L) => a + L.W.length * (L.W.length ? L.W[0].length : 0), 0);
const percent = (a) => `${(100 * a).toFixed(1)}%`;
const hasAcc = (f) => typeof f.train_acc === "number";
/** ui/live.status_text from the state on screen: "Epoch 000,123 · train loss 0.1234 · ...". */
function statusText(f) {
  const parts = [`Epoch ${epochText(f.epoch)}`, `train loss ${fixed4(f.train_loss)}`, `test loss ${fixed4(f.test_loss)}`];
  if (hasAcc(f)) parts.push(`train accuracy ${percent(f.train_acc)}`, `test accuracy ${percent(f.test_acc)}`);
  parts.push(`${thousands(nParams(f))} parameters`);
  if (typeof f.scrub === "number") parts.unshift("Looking back");
  return parts.join(" · ");
}

/** The caption under the boundary (the epoch and losses are in the status line). */
function captionText(f) {
  const parts = hasAcc(f) ? [`accuracy ${percent(f.train_acc)} train · ${percent(f.test_acc)} test`] : [];
  if (f.early) parts.push("stopped early (the best test loss)");
  else if (f.diverged) parts.push("stopped (diverged)");
  return parts.join(" · ");
}

/** Plain text into a one-line element, its font shrunk (down to 8 px) until the text fits;
    w: its width, when the caller knows it (reading it would force a layout). */
function fitText(e, text, px, w = e.clientWidth) {
  if (e.textContent === text && e._fitW === w) return;
  e.textContent = text;
  let f = px;
  e.style.fontSize = `${f}px`;
  while (f > 8 && e.scrollWidth > e.clientWidth) e.style.fontSize = `${--f}px`;
  e._fitW = w;
}

/** A number for the diagram, three significant digits: "0.123", "-12.3", "1.23e-5", "0". */
const num3 = (v) => (typeof v !== "number" || !isFinite(v) ? "–" : v === 0 ? "0"
  : Math.abs(v) >= 1e3 || Math.abs(v) < 1e-2 ? v.toExponential(2) : v.toPrecision(3));
/** A weight or bias: an exactly-zero one says so (L1 sets weights to exactly 0). */
const exactly = (v) => (v === 0 ? "0 (exactly 0)" : fmt(v));

function neuronName(spec, l, j) {
  if (l < 0) return labelOf(spec, spec.features[j]);
  if (l === spec.layers.length - 1) return spec.layers[l].W.length > 1 ? `out ${j}` : "out";
  return `h${l + 1}.${j + 1}`;
}

/** The step-through's numbers (canvas_spec.inside_spec) for a tooltip, as " · "-joined words. */
const meanOf = (ins) => (ins.k > 1 ? ` (mean over ${ins.k} points)` : "");
const sumOf = (ins) => (ins.k > 1 ? ` (summed over ${ins.k} points)` : "");
const joined = (parts) => (parts.length ? ` · ${parts.join(" · ")}` : "");
function insideNeuron(ins, l, j, res) {
  const L = ins.layers[l], parts = [];
  if (L.z) parts.push(`z = ${fmt(L.z[j])}, a = ${res ? "f(z) + its input = " : ""}${fmt(L.a[j])}${meanOf(ins)}`);
  if (ins.cost && l === ins.layers.length - 1) parts.push(`target ${fmt(ins.cost.target[j])}`);
  if (L.delta) parts.push(`δ = ∂L/∂z = ${fmt(L.delta[j])}${sumOf(ins)}`);
  return joined(parts);
}
function insideWeight(ins, s) {
  const L = ins.layers[s.layer], parts = [], bias = !!s.bias;
  if (bias ? L.db : L.dW) parts.push(`${bias ? "∂L/∂b" : "∂L/∂w"} = ${fmt(bias ? L.db[s.to] : L.dW[s.to][s.from])}`);
  if (bias ? L.b_after : L.W_after) {
    const [old, now] = bias ? [L.b[s.to], L.b_after[s.to]] : [L.W[s.to][s.from], L.W_after[s.to][s.from]];
    parts.push(`update: ${exactly(old)} → ${exactly(now)}`);
  }
  return joined(parts);
}
function insideInput(ins, hh) {
  return hh.active && hh.index >= 0 ? joined([`value ${fmt(ins.inputs[hh.index])}${meanOf(ins)}`]) : "";
}

/** The caption under the boundary while the step-through is open: the step, what its numbers are. */
const INSIDE_WHAT = { forward: "numbers: a = f(z)", cost: "numbers: a", backward: "numbers: δ = ∂L/∂z, links: ∂L/∂w",
                      update: "links: ∂L/∂w, hover: old → new" };
function insideCaption(ins) {
  const s = ins.step, C = ins.cost, parts = [`${s.title}${ins.k > 1 ? ` (${ins.k} points)` : ""}`];
  if (INSIDE_WHAT[s.part]) parts.push(INSIDE_WHAT[s.part]);
  if (C && C.show) parts.push(C.after === null ? `L = ${num3(C.loss)}` : `L ${num3(C.loss)} → ${num3(C.after)}`);
  return parts.join(" · ");
}

/** A hit region's tooltip; `ins`: the step-through's numbers at its step, or null. */
function describe(spec, hh, ins = null) {
  const s = hh.sel;
  if (hh.kind === "input") return `${hh.label}: ${hh.active ? "an input; click to remove it" : "not used; click to add it"}${ins ? insideInput(ins, hh) : ""}`;
  if (hh.kind === "link") return `${neuronName(spec, s.layer - 1, s.from)} → ${neuronName(spec, s.layer, s.to)}: w = ${exactly(hh.value)}${ins ? insideWeight(ins, s) : ""}`;
  if (hh.kind === "bias") return `bias of ${neuronName(spec, s.layer, s.to)}: ${exactly(hh.value)}${ins ? insideWeight(ins, s) : ""}`;
  return `${neuronName(spec, s.layer, s.neuron)} (${spec.layers[s.layer].act}), bias ${exactly(hh.value)}${ins ? insideNeuron(ins, s.layer, s.neuron, spec.layers[s.layer].res) : ""}`;
}

/** Where a column's numbers go: under each neuron if the rows leave room, else beside it (left of the output
    column, right of the others; `left`, `right`: the px free there), in the largest font (10 to 7 px) that
    fits; null if none does. */
function valueSlot(ctx, g, c, texts, left, right) {
  const step = g.sizes[c] > 1 ? g.rowY(c, 1) - g.rowY(c, 0) : Infinity, last = c === g.ncol - 1;
  for (const px of HEAD_FONTS) {
    ctx.font = FONT(px);
    const tw = Math.max(...texts.map((t) => ctx.measureText(t).width)), over = Math.max(0, (tw - g.sz) / 2);
    if (step - g.sz >= px + 2 && over <= Math.min(left, right)) return { px, where: "below", dy: 0 };
    if (step >= px + 1 && tw <= (last ? left : right)) return { px, where: last ? "left" : "right", dy: 0 };
  }
  return null;
}

/** The box of one number at unit `row` of column c (slot.dy lower), in the current font; `base`: its baseline. */
function valueBox(ctx, g, c, row, t, slot, W) {
  const { px, where } = slot, x = g.colX(c), y = g.rowY(c, row) + slot.dy, tw = ctx.measureText(t).width;
  const x0 = where === "below" ? clamp(x + g.sz / 2 - tw / 2, 0, W - tw) : where === "right" ? x + g.sz + 3 : x - 4 - tw;
  const base = where === "below" ? y + g.sz + px : y + g.sz / 2 + px / 2 - 1;
  return { text: t, x: x0, y: base - px, w: tw, h: px + 2, px, base };
}
const apart = (a, b) => a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
/** Add the box boxAt(px) to `out` in the largest font from px down to 7 px in which it overlaps none there. */
function placeValue(ctx, out, info, boxAt, px) {
  for (let p = px; p >= 7; p--) {
    ctx.font = FONT(p);
    const b = boxAt(p);
    if (b && out.every((o) => apart(o, b))) { out.push({ ...info, ...b }); return; }
  }
}

/** The step's numbers by the neurons: each layer's "show" values (a or δ), the inputs', and the cost under the
    output column if it has room; right to left (the output's first, leaving the column before it a third of
    their gap at least; a number that would overlap another shrinks or is left out: its tooltip still says it),
    on a backing of the page's colour. Returns their boxes. */
function drawValues(ctx, g, ins, fg, bg, [W, H]) {
  const out = [], last = g.ncol - 1, C = ins.cost, n = g.sizes[last], gap = (k) => g.colX(k + 1) - g.colX(k) - g.sz;
  const cols = [ins.show_inputs ? ins.inputs.map((v, j) => [g.rowOf[j], j, v]) : [],
    ...ins.layers.map((L) => (L.show && L[L.show] ? L[L.show].map((v, j) => [j, j, v]) : []))].map((vals) => [vals, vals.map((u) => num3(u[2]))]);
  ctx.font = FONT(7);
  const before = cols[last - 1][1].reduce((m, t) => Math.max(m, ctx.measureText(t).width + 9), 0);
  let dy = 2;
  for (let c = last; c >= 0; c--) {
    const [vals, texts] = cols[c], left = c === last ? gap(c - 1) - 6 - Math.min(before, gap(c - 1) / 3) : c ? gap(c - 1) / 2 - 6 : Infinity;
    const slot = vals.length ? valueSlot(ctx, g, c, texts, left, c === last ? Infinity : gap(c) - 6) : null;
    if (slot && c === last && slot.where === "below") dy += slot.px + 5;
    if (slot) vals.forEach(([row, j, v], k) => placeValue(ctx, out, { layer: c - 1, neuron: j, value: v }, (px) => valueBox(ctx, g, c, row, texts[k], { ...slot, px }, W), slot.px));
  }
  if (C && C.show) {
    const t = C.after === null ? `L = ${num3(C.loss)}` : `L ${num3(C.loss)} → ${num3(C.after)}`, slot = { where: "below", dy };
    placeValue(ctx, out, { layer: last - 1, neuron: null, value: C.loss }, (px) => {
      const b = valueBox(ctx, g, last, n - 1, t, { ...slot, px }, W);
      return b.y + b.h <= H ? b : null;
    }, 10);
  }
  for (const o of out) {
    ctx.font = FONT(o.px); ctx.globalAlpha = 0.85; ctx.fillStyle = bg; ctx.fillRect(o.x - 1, o.y, o.w + 2, o.h);
    ctx.globalAlpha = 1; ctx.fillStyle = fg; ctx.textAlign = "left"; ctx.fillText(o.text, o.x, o.base);
  }
  ctx.font = FONT(10); return out;
}
