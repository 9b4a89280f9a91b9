/* Painters: the boundary, the data points and the loss chart (colours: the spec's palette). */
const offscreen = {};
function scratch(name, w, h) {
  let c = offscreen[name];
  if (!c) { c = offscreen[name] = document.createElement("canvas"); }
  if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
  return c;
}

function paintBoundary(canvas, spec, opts = {}) {
  const m = compile(spec), n = opts.n || 100;
  const off = scratch("grid", n, n), octx = off.getContext("2d");
  const img = off.img && off.img.width === n ? off.img : (off.img = octx.createImageData(n, n)), d = img.data;  // every pixel written
  const O = gridActs(m, n).at(-1), o = new Float64Array(O.length);
  for (let p = 0; p < n * n; p++) {
    for (let k = 0; k < o.length; k++) o[k] = O[k][p];
    shade(m, o, opts.discretize, d, 4 * p);
  }
  octx.putImageData(img, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

function css(canvas, opts) {
  const dpr = opts.dpr || 1, ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const w = canvas.width / dpr, h = canvas.height / dpr;
  ctx.clearRect(0, 0, w, h);
  ctx.font = "10px system-ui, sans-serif";
  return [ctx, w, h];
}

/** Axes and data points on the transparent layer above the boundary, and a ring around each
    of opts.marks ([[x1, x2], ...]: the step-through's chosen points); opts.palette: the spec's
    palette. Returns the rings' centres and radius in CSS pixels. */
function paintPoints(canvas, points, opts = {}) {
  const [ctx, w, h] = css(canvas, opts), D = opts.domain || 6, P = paletteOf(opts.palette);
  const X = (x) => ((x + D) / (2 * D)) * w, Y = (y) => ((D - y) / (2 * D)) * h;
  ctx.strokeStyle = P.cross; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(X(0), 0); ctx.lineTo(X(0), h); ctx.moveTo(0, Y(0)); ctx.lineTo(w, Y(0)); ctx.stroke();
  ctx.fillStyle = P.ticks;
  for (const v of [-D, -D / 2, D / 2, D]) {
    ctx.textAlign = v === -D ? "left" : v === D ? "right" : "center";
    ctx.fillText(String(v), X(v) + (v === -D ? 2 : v === D ? -2 : 0), h - 3);
    ctx.textAlign = "left";
    if (Math.abs(v) !== D) ctx.fillText(String(v), 2, Y(v) + 3);
  }
  ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
  const r = clamp(w / 130, 2.2, 4.5);
  if (points) drawData(ctx, points, !!opts.show_test, P, X, Y, r);
  if (points && opts.wrong) drawWrong(ctx, points, opts.wrong, !!opts.show_test, P, X, Y, r + 2.2);
  if (points && opts.flipped) drawFlipped(ctx, points, P, X, Y, r + 1.5);
  return drawMarks(ctx, opts.marks || [], P, X, Y, r + 4);
}

/** The points the network gets wrong now ({train: [index], test: [index]}, `wrongPoints`):
    a thin ring in the palette's mark colour. */
function drawWrong(ctx, points, wrong, showTest, P, X, Y, r) {
  ctx.lineWidth = 1.4; ctx.strokeStyle = P.mark;
  for (const [S, idx] of [[points.train, wrong.train], [showTest ? points.test : null, wrong.test]]) {
    if (!S || !idx) continue;
    for (const p of idx) { ctx.beginPath(); ctx.arc(X(S.x[p]), Y(S.y[p]), r, 0, 2 * Math.PI); ctx.stroke(); }
  }
}

/** The training points whose label the label noise flipped (points.flipped): a cross. */
function drawFlipped(ctx, points, P, X, Y, r) {
  const S = points.train;
  if (!S || !Array.isArray(points.flipped)) return;
  ctx.lineWidth = 1.6; ctx.strokeStyle = P.mark; ctx.beginPath();
  for (const p of points.flipped) {
    if (!(p < S.x.length)) continue;
    const x = X(S.x[p]), y = Y(S.y[p]);
    ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x - r, y + r); ctx.lineTo(x + r, y - r);
  }
  ctx.stroke();
}

/** Which drawn points the spec's network misclassifies: the class it predicts (the same rule
    as costs.predict_classes: the top class, or P(class 1) > 0.5) differs from the point's
    label. Indices into points.train and points.test; null for regression. */
function wrongPoints(spec, points) {
  if (!points || points.kind === "regression") return null;
  const m = compile(spec), out = {};
  for (const name of ["train", "test"]) {
    const S = points[name], idx = [];
    if (S) for (let p = 0; p < S.x.length; p++) {
      const o = mapOut(m, run(m, S.x[p], S.y[p])), c = m.out.kind === "classes" ? o : (o > 0.5 ? 1 : 0);
      if (S.label[p] !== null && c !== S.label[p]) idx.push(p);
    }
    out[name] = idx;
  }
  return out;
}

function drawData(ctx, points, showTest, P, X, Y, r) {
  const cols = points.colors ? points.colors.map(hex) : [P.neg, P.pos];
  const color = (lab) => (points.kind === "regression" ? diverge(P, lab / (points.range || 1)) : cols[lab] || P.grey);
  const rim = points.kind === "regression" ? P.rim_value : P.paper;
  const draw = (S, test) => {
    if (!S) return;
    for (let p = 0; p < S.x.length; p++) {
      const lab = S.label[p], c = rgb(lab === null ? P.grey : color(lab));
      ctx.beginPath(); ctx.arc(X(S.x[p]), Y(S.y[p]), r, 0, 2 * Math.PI);
      if (test) {
        ctx.fillStyle = P.paper; ctx.fill();
        ctx.lineWidth = 1.8; ctx.strokeStyle = c; ctx.stroke();
      } else {
        ctx.fillStyle = c; ctx.fill();
        ctx.lineWidth = 1; ctx.strokeStyle = rim; ctx.stroke();
      }
    }
  };
  draw(points.train, false);
  if (showTest) draw(points.test, true);
}

/** Rings of radius r: the palette's mark colour on a paper halo (they show on every boundary). */
function drawMarks(ctx, marks, P, X, Y, r) {
  const out = [];
  for (const [x, y] of marks) {
    if (typeof x !== "number" || typeof y !== "number") continue;
    ctx.beginPath(); ctx.arc(X(x), Y(y), r, 0, 2 * Math.PI);
    ctx.lineWidth = 4.5; ctx.strokeStyle = P.paper; ctx.stroke();
    ctx.lineWidth = 2; ctx.strokeStyle = P.mark; ctx.stroke();
    out.push({ x: X(x), y: Y(y), r });
  }
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Twin of canvas_spec.decode_losses: two characters per value, log scale, "~~" = missing. */
function decodeLosses(codes, lo, hi) {
  const out = [];
  for (let k = 0; k + 1 < codes.length; k += 2) {
    if (codes[k] === "~") { out.push(null); continue; }
    const q = B64.indexOf(codes[k]) * 64 + B64.indexOf(codes[k + 1]);
    out.push(10 ** (lo + (q / 4095) * (hi - lo)));
  }
  return out;
}

/** The loss series as [epoch, value] points, test first. The samples are evenly spaced from
    L.x0 to L.x1; a state painted before the frame's end (a playback snapshot) ends at its own
    epoch, on its own losses, so the chart agrees with the status line. */
function lossSeries(frame, L, tr) {
  const e = typeof frame.epoch === "number" && typeof frame.scrub !== "number" ? frame.epoch : L.x1, cut = e < L.x1;
  return [[L.test || "", frame.test_loss], [L.train, frame.train_loss]].map(([codes, last]) => {
    const vals = decodeLosses(codes, L.lo, L.hi), n = vals.length, pts = [];
    const ep = (k) => (n > 1 ? L.x0 + (k * (L.x1 - L.x0)) / (n - 1) : L.x1);
    vals.forEach((v, k) => { if (!cut || ep(k) < e) pts.push([ep(k), tr(v)]); });
    if (cut && n) pts.push([e, tr(typeof last === "number" ? last : null)]);
    return pts;
  });
}

/** The loss chart of a frame spec: train and test loss (the palette's loss colours, the
    labels above it in the same colours) against epoch. */
function paintLoss(canvas, frame, opts = {}) {
  const [ctx, w, h] = css(canvas, opts), P = paletteOf(frame.palette);
  const L = frame.loss;
  ctx.fillStyle = P.train;
  ctx.fillText(`train ${fmt(frame.train_loss)}`, 34, 10);
  ctx.fillStyle = P.test;
  ctx.fillText(`test ${fmt(frame.test_loss)}`, 34 + Math.max(80, w * 0.4), 10);
  if (!L || !L.train || !L.train.length) return;
  const log = !!opts.log, tr = (v) => (v === null || !(log ? v > 0 : isFinite(v)) ? null : log ? Math.log10(v) : v);
  // looking back (frame.scrub): the whole run, marked at that epoch; a branch: the run it left, faint
  const G = ghostSeries(L.ghost, tr), gEnd = G.length && G[0].length ? G[0][G[0].length - 1][0] : -Infinity;
  const e1 = Math.max(typeof frame.epoch === "number" && typeof frame.scrub !== "number" ? Math.min(frame.epoch, L.x1) : L.x1, gEnd);
  // "recent": the latest tenth of the run (at least 20 epochs), its own y range: small bounces show
  const x0 = opts.recent ? Math.max(L.x0, e1 - Math.max(20, Math.round((e1 - L.x0) / 10))) : L.x0;
  const series = lossSeries(frame, L, tr).map((s) => (x0 > L.x0 ? s.filter(([ep]) => ep >= x0) : s));
  let lo = Infinity, hi = -Infinity;
  for (const s of [...series, ...G]) for (const [ep, v] of s) if (v !== null && ep >= x0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi >= lo)) return;
  if (!log && !opts.recent) lo = Math.min(0, lo);
  if (hi - lo < 1e-12) { hi += log ? 0.5 : Math.abs(hi) * 0.1 + 1e-12; lo -= log ? 0.5 : 0; }
  const pl = 34, pt = 16, pb = 13, pw = w - pl - 4, ph = h - pt - pb;
  const X = (ep) => pl + (e1 > x0 ? ((ep - x0) / (e1 - x0)) * pw : pw), Y = (v) => pt + (1 - (v - lo) / (hi - lo)) * ph;
  ctx.strokeStyle = P.axis; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(pl, pt); ctx.lineTo(pl, pt + ph); ctx.lineTo(pl + pw, pt + ph); ctx.stroke();
  ctx.fillStyle = P.axis_text; ctx.textAlign = "right";
  const lab = (v) => { const x = log ? 10 ** v : v; return Math.abs(x) >= 1e3 || (x && Math.abs(x) < 1e-2) ? x.toExponential(0) : x.toPrecision(2); };
  ctx.fillText(lab(hi), pl - 3, pt + 7); ctx.fillText(lab(lo), pl - 3, pt + ph);
  ctx.textAlign = "left"; ctx.fillText(String(x0), pl, h - 2);
  ctx.textAlign = "right"; ctx.fillText(`epoch ${e1}`, pl + pw, h - 2); ctx.textAlign = "left";
  series.forEach((s, q) => {
    ctx.strokeStyle = q ? P.train : P.test; ctx.lineWidth = q ? 1.6 : 1.3;
    ctx.beginPath();
    let pen = false;
    s.forEach(([ep, v]) => { if (v === null) { pen = false; return; } pen ? ctx.lineTo(X(ep), Y(v)) : ctx.moveTo(X(ep), Y(v)); pen = true; });
    ctx.stroke();
  });
  if (G.length) {
    ctx.save(); ctx.globalAlpha = 0.45; ctx.setLineDash([4, 3]);
    G.forEach((s, q) => {
      ctx.strokeStyle = q ? P.train : P.test; ctx.lineWidth = 1.2; ctx.beginPath();
      let pen = false;
      s.forEach(([ep, v]) => { if (v === null || ep < x0) { pen = false; return; } pen ? ctx.lineTo(X(ep), Y(v)) : ctx.moveTo(X(ep), Y(v)); pen = true; });
      ctx.stroke();
    });
    ctx.restore();
  }
  if (typeof frame.scrub === "number" && frame.scrub >= x0) {
    ctx.save(); ctx.strokeStyle = P.axis_text; ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.moveTo(X(frame.scrub), pt); ctx.lineTo(X(frame.scrub), pt + ph); ctx.stroke(); ctx.restore();
  }
  // a short stretch (stepping): one marker per recorded epoch, so each Step shows
  if (e1 - x0 <= STEP_MARKS) lossMarks(ctx, series, X, Y, P);
  return { best: bestMark(ctx, L.best, tr, X, Y, x0, e1, pt, ph, P) };
}

/** The run a branch left ({epoch, train, test}, core/branch.ghost) as [epoch, value] series,
    test first, as lossSeries gives the run's own; [] without one. */
function ghostSeries(g, tr) {
  if (!g || !Array.isArray(g.epoch)) return [];
  return [g.test, g.train].map((vals) => g.epoch.map((ep, k) => [ep, tr(Array.isArray(vals) ? vals[k] ?? null : null)]));
}

/** The lowest test loss so far (early stopping's epoch): a ring on the test curve and a faint
    line down to the axis, while it lies in the range shown; its epoch, else null. */
function bestMark(ctx, best, tr, X, Y, x0, e1, pt, ph, P) {
  if (!best || best.length !== 2 || e1 - x0 <= 0) return null;
  const [ep, v] = best, y = tr(v);
  if (!(ep >= x0 && ep <= e1) || y === null || ep === e1) return null;
  const x = X(ep), yy = Math.min(Math.max(Y(y), pt), pt + ph);
  ctx.save();
  ctx.strokeStyle = P.test; ctx.globalAlpha = 0.45; ctx.setLineDash([2, 3]); ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(x, yy); ctx.lineTo(x, pt + ph); ctx.stroke();
  ctx.globalAlpha = 1; ctx.setLineDash([]); ctx.lineWidth = 1.5;
  ctx.beginPath(); ctx.arc(x, yy, 3.5, 0, 2 * Math.PI); ctx.stroke();
  ctx.restore();
  return ep;
}

const STEP_MARKS = 40;  // epochs shown, at most, for the loss chart to mark each one

function lossMarks(ctx, series, X, Y, P) {
  series.forEach((s, q) => {
    ctx.fillStyle = q ? P.train : P.test;
    for (const [ep, v] of s) if (v !== null) { ctx.beginPath(); ctx.arc(X(ep), Y(v), 2.2, 0, 2 * Math.PI); ctx.fill(); }
  });
}

