/* The network diagram: geometry, node maps, links, labels, and hit-testing. */
const SHORT = { leaky_relu: "leaky", sigmoid: "sigm", linear: "lin", softmax: "softmax" };

const FONT = (px) => `${px}px system-ui, sans-serif`, HEAD_FONTS = [10, 9, 8, 7];
const offered = (spec) => (spec.inputs && spec.inputs.names) || [];
/** A feature's label: spec.inputs.labels (data.FEATURE_LABELS), else the built-in one. */
function labelOf(spec, f) {
  const k = offered(spec).indexOf(f), labels = spec.inputs && spec.inputs.labels;
  return k >= 0 && labels && labels[k] ? labels[k] : LABELS[f] || f;
}

/** The input column: every feature the spec offers (spec.inputs.names, in that order), the
    inactive ones too; rowOf[i] is the row of the network's input i (spec.features[i]). */
function inputRows(spec) {
  const names = [...offered(spec)];
  for (const f of spec.features) if (!names.includes(f)) names.push(f);
  const rows = names.map((f) => ({ name: f, label: labelOf(spec, f), index: spec.features.indexOf(f) }));
  return { rows, rowOf: spec.features.map((f) => names.indexOf(f)) };
}

/** Column headers as words ("tanh", "4", "+ skip") wrapped into lines at most `avail` wide,
    in the largest font (10 px down to 7 px) in which every word fits. */
function headers(ctx, spec, m, avail) {
  const nL = m.layers.length;
  const words = [["input"], ...m.layers.map((L, l) => (l === nL - 1 ? ["output"]
    : [SHORT[spec.layers[l].act] || spec.layers[l].act, String(L.nOut), ...(L.res ? ["+ skip"] : [])]))];
  for (const px of HEAD_FONTS) {
    ctx.font = FONT(px);
    const wd = (t) => ctx.measureText(t).width;
    if (px > 7 && words.some((ws) => ws.some((t) => wd(t) > avail))) continue;
    const lines = words.map((ws) => ws.reduce((ls, t) => {
      const last = ls[ls.length - 1];
      if (last !== undefined && wd(`${last} ${t}`) <= avail) ls[ls.length - 1] = `${last} ${t}`; else ls.push(t);
      return ls;
    }, []));
    return { px, lh: px + 2, lines, n: Math.max(...lines.map((ls) => ls.length)) };
  }
}

/** Where everything goes: margins (room for the input labels and the outer headers), the
    neuron size, columns, rows, headers and the band for the residual arrows. */
function netGeometry(ctx, spec, m, w, h) {
  const { rows, rowOf } = inputRows(spec), sizes = [rows.length, ...m.sizes.slice(1)];
  const ncol = sizes.length, maxN = Math.max(...sizes), skipH = m.layers.some((L) => L.res) ? 14 : 0;
  ctx.font = FONT(10);
  const tw = (t) => ctx.measureText(t).width, bottom = 4;
  const left = Math.ceil(Math.max(tw("input") / 2, ...rows.map((r) => tw(r.label) + 6))) + 2;
  const right = Math.ceil(tw("output") / 2) + 2;
  const fit = (top) => Math.max(5, Math.floor(Math.min(40, (h - top - bottom) / (maxN * 1.3), (w - left - right) / (ncol * 1.9))));
  let sz = fit(16 + skipH);
  const head = headers(ctx, spec, m, Math.max(8, (w - left - right - sz) / (ncol - 1) - 6));
  const top = 4 + head.n * head.lh + skipH + 2;
  sz = Math.min(sz, fit(top));
  const room = h - top - bottom - sz, step = Math.min(maxN > 1 ? room / (maxN - 1) : 0, sz * 1.7);
  // the input column is spread to at least 12 px a row, so its labels never overlap
  const steps = sizes.map((n, c) => (c || n < 2 ? step : Math.max(step, Math.min(12, room / (n - 1)))));
  const colX = (c) => left + (c * (w - left - right - sz)) / (ncol - 1);
  const rowY = (c, j) => top + (h - top - bottom - ((sizes[c] - 1) * steps[c] + sz)) / 2 + j * steps[c];
  // centre of unit j of column c (column 0: the network's input j)
  const yc = (c, j) => rowY(c, c ? j : rowOf[j]) + sz / 2;
  return { rows, rowOf, sizes, ncol, sz, left, top, skipH, head, colX, rowY, yc, rowH: Math.max(sz, Math.min(steps[0], 14)) };
}

/** Output unit u's pixel at grid point p: as on the boundary (classes: that class's probability). */
function outPixel(m, outs, u, p, o, d, q) {
  if (m.out.kind !== "classes") { o[0] = outs[0][p]; shade(m, o, false, d, q); return; }
  for (let k = 0; k < o.length; k++) o[k] = outs[k][p];
  let pk = o[u];
  if (!m.out.softmax) { let z = 0; for (let k = 0; k < o.length; k++) z += Math.exp(o[k] - o[u]); pk = 1 / z; }
  if (pk === pk) put(d, q, m.clut, 256 * u + Math.round(clamp(pk, 0, 1) * 255));
  else putT(d, q, m.vlut, NaN, m.pal.hnan);
}

/** Every node's map on a G×G grid, one G×G tile each in a sprite (input rows first, inactive
    inputs too): inputs and hidden units on the diverging scale of their max |a|, outputs as on
    the boundary. */
function netSprites(m, spec, g, G) {
  const P = G * G, sizes = m.sizes, nL = m.layers.length, vals = gridActs(m, G), D = spec.domain || 6;
  const off = g.rows.map((r) => (r.index < 0 ? (FEATURES[r.name] ? gridInput(r.name, G, D) : new Float64Array(P)) : null));
  const tiles = [...g.rows.map((r, k) => off[k] || vals[0][r.index]), ...vals.slice(1).flat()];
  const sprite = scratch("sprite", G, G * tiles.length), sctx = sprite.getContext("2d");
  const img = sctx.createImageData(G, G * tiles.length), d = img.data, o = new Float64Array(sizes[nL]);
  const first = tiles.length - sizes[nL];
  tiles.forEach((v, t) => {
    let s = 1;
    if (t < first) for (let p = 0; p < P; p++) if (Math.abs(v[p]) > s) s = Math.abs(v[p]);
    for (let p = 0, q = t * P * 4; p < P; p++, q += 4) {
      if (t < first) putT(d, q, m.vlut, v[p] / s, m.pal.hnan); else outPixel(m, vals[nL], t - first, p, o, d, q);
    }
  });
  sctx.putImageData(img, 0, 0);
  return sprite;
}

/** A link's look: by its weight (exactly 0: dashed, muted, unlike a small one), or where the step-through
    shows gradients (gv = ∂L/∂w, null: NaN) by the sign of ∂L/∂w, as wide as |∂L/∂w| / gmax. */
function linkStyle(pal, wv, gv, gmax, maxW) {
  const dash = wv === 0 ? [2, 3] : null;
  if (gv !== undefined) {
    const r = gv === null || !(gmax > 0) ? 0 : Math.min(1, Math.abs(gv) / gmax), lw = 0.5 + r * (maxW - 0.5);
    return { color: rgb(gv === null ? pal.grey : diverge(pal, Math.sign(gv) * (0.35 + 0.65 * r))), lw, dash: dash && [Math.max(2, lw), Math.max(3, 1.5 * lw)] };
  }
  if (dash) return { color: pal.muted, lw: 1, dash };
  return { color: rgb(diverge(pal, clamp(wv, -1, 1))), lw: wv === wv ? 0.5 + (Math.min(Math.abs(wv), 4) * (maxW - 0.5)) / 4 : 1, dash };
}

/** Links by weight, or by gradient (the step-through's layers with "grad"; those it has not reached,
    "dim", faint); residual identities dashed, under them. Returns the selected link. */
function drawLinks(ctx, m, g, same, hits, ins) {
  const { sz, colX, yc } = g, maxW = clamp(sz / 5, 2, 7), gmax = ins ? ins.max.dW : 0;
  ctx.setLineDash([3, 3]); ctx.strokeStyle = m.pal.identity; ctx.lineWidth = 1;
  m.layers.forEach((L, l) => {
    if (!L.res) return;
    for (let j = 0; j < L.nOut; j++) { ctx.beginPath(); ctx.moveTo(colX(l) + sz, yc(l, j)); ctx.lineTo(colX(l + 1), yc(l + 1, j)); ctx.stroke(); }
  });
  let selLink = null;
  m.layers.forEach((L, l) => {
    const x0 = colX(l) + sz, x1 = colX(l + 1), c = L.nIn + 1, I = ins && ins.layers[l], G = I && I.grad && I.dW;
    ctx.globalAlpha = I && I.dim ? 0.25 : 1;
    for (let j = 0; j < L.nOut; j++) for (let i = 0; i < L.nIn; i++) {
      const wv = L.W[j * c + i], gv = G ? G[j][i] : undefined, st = linkStyle(m.pal, wv, gv, gmax, maxW);
      const pts = [x0, yc(l, i), x1, yc(l + 1, j)], s = { layer: l, from: i, to: j };
      ctx.strokeStyle = st.color; ctx.lineWidth = st.lw; ctx.setLineDash(st.dash || []);
      bezier(ctx, pts); ctx.stroke();
      hits.push({ kind: "link", sel: s, pts, lw: st.lw, value: wv, zero: wv === 0, grad: gv, color: st.color, dash: !!st.dash });
      if (same(s)) selLink = pts;
    }
  });
  ctx.globalAlpha = 1; ctx.setLineDash([]); return selLink;
}

/** A curved arrow over each layer that adds its input to its output (residual on and the
    input as wide as the layer), from the previous column's top unit to its own. */
function drawSkips(ctx, m, g, color) {
  const { sz, colX, rowY, rowOf } = g;
  ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = 1.5;
  m.layers.forEach((L, l) => {
    if (!L.res) return;
    const xa = colX(l) + sz / 2, xb = colX(l + 1) + sz / 2;
    const ya = rowY(l, l ? 0 : Math.min(...rowOf)) - 2, yb = rowY(l + 1, 0) - 2;
    const yt = Math.max(g.top - g.skipH, Math.min(ya, yb) - 16);
    ctx.beginPath(); ctx.moveTo(xa, ya); ctx.bezierCurveTo(xa, yt, xb, yt, xb, yb - 5); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(xb, yb); ctx.lineTo(xb - 3.5, yb - 6); ctx.lineTo(xb + 3.5, yb - 6); ctx.closePath(); ctx.fill();
  });
}

/** The input column: every offered feature, the unused ones dimmed; a click toggles it.
    Returns the label boxes. */
function drawInputs(ctx, g, sprite, G, P, fg, hits) {
  const { sz, left } = g, x = g.colX(0), boxes = [];
  ctx.font = FONT(10); ctx.textAlign = "right";
  g.rows.forEach((r, k) => {
    const y = g.rowY(0, k), on = r.index >= 0, tw = ctx.measureText(r.label).width;
    ctx.globalAlpha = on ? 1 : 0.3;
    ctx.drawImage(sprite, 0, k * G, G, G, x, y, sz, sz);
    ctx.strokeStyle = P.edge; ctx.lineWidth = 1; ctx.strokeRect(x, y, sz, sz);
    ctx.globalAlpha = on ? 1 : 0.5;
    ctx.fillStyle = fg; ctx.fillText(r.label, x - 4, y + sz / 2 + 3);
    ctx.globalAlpha = 1;
    hits.push({ kind: "input", feature: r.name, active: on, index: r.index, label: r.label, box: [2, y + (sz - g.rowH) / 2, left - 2 + sz, g.rowH] });
    boxes.push({ text: r.label, x: x - 4 - tw, y: y + sz / 2 - 6, w: tw, h: 10 });
  });
  ctx.textAlign = "left";
  return boxes;
}

/** Hidden and output neurons with their bias marks (coloured by ∂L/∂b where the step shows gradients). */
function drawNeurons(ctx, m, g, sprite, G, same, fg, hits, ins) {
  const { sz, colX, rowY, sizes } = g, bs = Math.max(4, Math.round(sz * 0.22));
  let q = g.rows.length;
  for (let c = 1; c < g.ncol; c++) {
    const L = m.layers[c - 1], x = colX(c);
    for (let j = 0; j < sizes[c]; j++, q++) {
      const y = rowY(c, j), s = { layer: c - 1, neuron: j }, b = L.W[j * (L.nIn + 1) + L.nIn], I = ins && ins.layers[c - 1];
      const tone = I && I.grad && I.db ? (I.db[j] === null ? NaN : I.db[j] / (ins.max.db || 1)) : clamp(b, -1, 1);
      ctx.drawImage(sprite, 0, q * G, G, G, x, y, sz, sz);
      ctx.strokeStyle = same(s) ? fg : m.pal.edge; ctx.lineWidth = same(s) ? 2.5 : 1;
      ctx.strokeRect(x, y, sz, sz);
      hits.push({ kind: "neuron", sel: s, box: [x, y, sz, sz], value: b });
      const bx = x - bs / 2, by = y + sz - bs / 2, bsel = { layer: c - 1, from: L.nIn, to: j, bias: true };
      ctx.fillStyle = rgb(diverge(m.pal, tone)); ctx.fillRect(bx, by, bs, bs);
      ctx.strokeStyle = same(bsel) ? fg : m.pal.bias_edge; ctx.lineWidth = same(bsel) ? 2 : 0.8; ctx.strokeRect(bx, by, bs, bs);
      hits.unshift({ kind: "bias", sel: bsel, box: [bx - 1, by - 1, bs + 2, bs + 2], value: b });
    }
  }
}

/** The headers, centred over their columns; returns their boxes. */
function drawHeaders(ctx, g, fg) {
  const { px, lh, lines } = g.head, boxes = [];
  ctx.font = FONT(px); ctx.fillStyle = fg; ctx.textAlign = "center";
  lines.forEach((ls, c) => ls.forEach((t, k) => {
    const x = g.colX(c) + g.sz / 2, y = 4 + (k + 1) * lh - 2, tw = ctx.measureText(t).width;
    ctx.fillText(t, x, y);
    boxes.push({ text: t, x: x - tw / 2, y: y - px, w: tw, h: px });
  }));
  ctx.textAlign = "left"; ctx.font = FONT(10);
  return boxes;
}

/** Network diagram: a heatmap thumbnail per node, links by weight, bias marks, residual arrows; with
    opts.inside (canvas_spec.inside_spec) the step's numbers and gradients. Returns the hit regions used
    for hover and click; hits.labels: every text's box; hits.values: the step's numbers and their boxes. */
function paintNetwork(canvas, spec, opts = {}) {
  const [ctx, w, h] = css(canvas, opts), m = compile(spec), fg = opts.color || m.pal.text;
  const g = netGeometry(ctx, spec, m, w, h), G = clamp(Math.round(g.sz * (opts.dpr || 1)), 4, opts.G || 24);
  const sprite = netSprites(m, spec, g, G), hits = [], sel = JSON.stringify(opts.sel || null);
  const same = (s) => JSON.stringify(s) === sel;
  const ins = opts.inside || null, selLink = drawLinks(ctx, m, g, same, hits, ins);
  if (selLink) { ctx.strokeStyle = fg; ctx.lineWidth = 1.5; ctx.setLineDash([4, 3]); bezier(ctx, selLink); ctx.stroke(); ctx.setLineDash([]); }
  drawSkips(ctx, m, g, m.pal.skip);
  ctx.imageSmoothingEnabled = true;
  const inputs = drawInputs(ctx, g, sprite, G, m.pal, fg, hits);
  drawNeurons(ctx, m, g, sprite, G, same, fg, hits, ins);
  hits.labels = [...drawHeaders(ctx, g, fg), ...inputs];
  hits.values = ins ? drawValues(ctx, g, ins, fg, opts.bg || m.pal.paper, [w, h]) : [];
  return hits;
}

function bezier(ctx, [x0, y0, x1, y1]) {
  const xm = (x0 + x1) / 2;
  ctx.beginPath(); ctx.moveTo(x0, y0); ctx.bezierCurveTo(xm, y0, xm, y1, x1, y1);
}

function hitTest(hits, x, y) {
  let best = null, bd = Infinity;
  for (const hh of hits) {
    if (hh.box) {
      const [bx, by, bw, bh] = hh.box;
      if (x >= bx && x <= bx + bw && y >= by && y <= by + bh) return hh;
      continue;
    }
    const [x0, y0, x1, y1] = hh.pts, tol = Math.max(4, hh.lw / 2 + 2);
    if (x < Math.min(x0, x1) - tol || x > Math.max(x0, x1) + tol || y < Math.min(y0, y1) - tol || y > Math.max(y0, y1) + tol) continue;
    const xm = (x0 + x1) / 2;
    let px = x0, py = y0;
    // the cubic of bezier() as 16 segments
    for (let k = 1; k <= 16; k++) {
      const t = k / 16, u = 1 - t, qx = u * u * u * x0 + 3 * u * t * xm + t * t * t * x1, qy = (u * u * u + 3 * u * u * t) * y0 + (3 * u * t * t + t * t * t) * y1;
      const dx = qx - px, dy = qy - py, L2 = dx * dx + dy * dy || 1, s = clamp(((x - px) * dx + (y - py) * dy) / L2, 0, 1);
      const dd = Math.hypot(x - px - s * dx, y - py - s * dy);
      if (dd <= tol && dd < bd) { bd = dd; best = hh; }
      px = qx; py = qy;
    }
  }
  return best;
}
