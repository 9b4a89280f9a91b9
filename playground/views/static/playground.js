/* Live view of the playground: forward pass in the browser, decision boundary, loss curve and
   network diagram, painted on canvases from the JSON specs of playground/canvas_spec.py.
   Plain JS, no build step. Tests load it as a classic script; playground/ui_canvas.py inlines
   it as the ES module of an st.components.v2 component and appends the default export. */
const PlaygroundCanvas = (() => {
  "use strict";
  const MID = [232, 234, 235], WHITE = [255, 255, 255], GREY = [160, 160, 160];
  const ORANGE = [245, 147, 34], BLUE = [8, 119, 189];
  // TFP paints the heatmap at alpha 160 over white
  const HEAT_ALPHA = 160 / 255;
  const GC = Math.sqrt(2 / Math.PI);
  const FEATURES = {
    x1: (x, y) => x, x2: (x, y) => y, x1sq: (x, y) => x * x, x2sq: (x, y) => y * y,
    x1x2: (x, y) => x * y, sinx1: (x, y) => Math.sin(x), sinx2: (x, y) => Math.sin(y),
  };
  const LABELS = { x1: "x₁", x2: "x₂", x1sq: "x₁²", x2sq: "x₂²", x1x2: "x₁x₂",
                   sinx1: "sin x₁", sinx2: "sin x₂" };
  // Twins of playground/engine.py ACTIVATIONS (same formulas, same operation order).
  const ACTS = {
    tanh: Math.tanh,
    relu: (z) => Math.max(z, 0),
    leaky_relu: (z) => Math.max(z, 0.01 * z),
    sigmoid: (z) => Math.tanh(z * 0.5) * 0.5 + 0.5,
    linear: (z) => z,
    elu: (z) => (z > 0 ? z : Math.expm1(Math.min(z, 0))),
    gelu: (z) => 0.5 * z * (1 + Math.tanh(GC * (z + 0.044715 * z ** 3))),
    sine: Math.sin,
  };
  const SHORT = { leaky_relu: "leaky", sigmoid: "sigm", linear: "lin", softmax: "softmax" };

  const hex = (c) => { const n = parseInt(String(c).slice(1), 16); return [n >> 16, (n >> 8) & 255, n & 255]; };
  const mix = (a, b, t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
  const clamp = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);
  const rgb = (c) => `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`;
  const fmt = (v) => (typeof v !== "number" || !isFinite(v) ? "–" : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toPrecision(4));

  // ------------------------------------------------------------------ text (twins of ui_live)
  /** Thousands separators: 1234567 → "1,234,567". */
  const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  /** ui_live.epoch_text: TFP's six-digit counter, 123 → "000,123"; from a million on, 1,234,567. */
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
  /** ui_live.status_text from the state on screen: "Epoch 000,123 · train loss 0.1234 · ...". */
  function statusText(f) {
    const parts = [`Epoch ${epochText(f.epoch)}`, `train loss ${fixed4(f.train_loss)}`, `test loss ${fixed4(f.test_loss)}`];
    if (hasAcc(f)) parts.push(`train accuracy ${percent(f.train_acc)}`, `test accuracy ${percent(f.test_acc)}`);
    parts.push(`${thousands(nParams(f))} parameters`);
    return parts.join(" · ");
  }

  // ------------------------------------------------------------------ model
  // spec object → compiled model (a new spec arrives every tick)
  const compiled = new WeakMap();
  function compile(spec) {
    if (compiled.has(spec)) return compiled.get(spec);
    const layers = spec.layers.map((L) => {
      const rows = L.W.length, cols = rows ? L.W[0].length : 1, W = new Float64Array(rows * cols);
      L.W.forEach((r, j) => r.forEach((v, i) => { W[j * cols + i] = v === null ? NaN : v; }));
      const soft = L.act === "softmax", f = ACTS[L.act];
      if (!soft && !f) throw new Error(`unknown activation ${L.act}`);
      return { W, nOut: rows, nIn: cols - 1, f, soft, res: !!L.res && cols - 1 === rows };
    });
    const feats = spec.features.map((f) => {
      if (!FEATURES[f]) throw new Error(`unknown feature ${f}`);
      return FEATURES[f];
    });
    const sizes = [feats.length, ...layers.map((L) => L.nOut)];
    const out = spec.out, colors = (out.colors || ["#f59322", "#0877bd"]).map(hex);
    const m = { spec, layers, feats, sizes, out, colors, bufs: sizes.map((n) => new Float64Array(n)),
                macs: layers.reduce((a, L) => a + L.nOut * (L.nIn + 1), 0),
                lut: lutOf("d", colors), clut: lutOf("c", colors) };
    compiled.set(spec, m);
    return m;
  }

  /** Run the network at (x, y); m.bufs[l] then holds layer l's activations (0 = inputs). */
  function run(m, x, y) {
    const A0 = m.bufs[0];
    for (let i = 0; i < m.feats.length; i++) A0[i] = m.feats[i](x, y);
    for (let l = 0; l < m.layers.length; l++) {
      const L = m.layers[l], A = m.bufs[l], Z = m.bufs[l + 1], W = L.W, n = L.nIn, c = n + 1;
      for (let j = 0; j < L.nOut; j++) {
        let s = 0;
        const o = j * c;
        for (let i = 0; i < n; i++) s += W[o + i] * A[i];
        Z[j] = s + W[o + n];
      }
      if (L.soft) {
        let mx = -Infinity, sum = 0;
        for (let j = 0; j < L.nOut; j++) mx = Math.max(mx, Z[j]);
        for (let j = 0; j < L.nOut; j++) { Z[j] = Math.exp(Z[j] - mx); sum += Z[j]; }
        for (let j = 0; j < L.nOut; j++) Z[j] /= sum;
      } else {
        for (let j = 0; j < L.nOut; j++) Z[j] = L.f(Z[j]);
      }
      if (L.res) for (let j = 0; j < L.nOut; j++) Z[j] += A[j];
    }
    return m.bufs[m.layers.length];
  }

  function argmax(o) {
    let c = 0;
    for (let j = 1; j < o.length; j++) if (o[j] > o[c]) c = j;
    return c;
  }

  /** What Trainer.predict_grid returns: P(class 1), class index or value. */
  function mapOut(m, o) {
    const k = m.out.kind;
    if (k === "classes") return argmax(o);
    if (k === "binary" && m.out.map === "pm1") return (clamp(o[0], -1, 1) + 1) / 2;
    return o[0];
  }

  function forward(spec, x1, x2) {
    const m = compile(spec), o = run(m, x1, x2);
    return { acts: m.bufs.map((b) => Array.from(b)), raw: Array.from(o), out: mapOut(m, o) };
  }

  function gridCoords(n, D) {
    const cs = new Float64Array(n);
    for (let j = 0; j < n; j++) cs[j] = -D + (j + 0.5) * (2 * D) / n;
    return cs;
  }

  /** n×n grid over the domain, row 0 at the top (y = +D side): mapped and raw outputs. */
  function evalGrid(spec, n) {
    const m = compile(spec), cs = gridCoords(n, spec.domain || 6), out = [], raw = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const o = run(m, cs[j], -cs[i]);
      out.push(mapOut(m, o));
      raw.push(...o);
    }
    return { out, raw, coords: Array.from(cs) };
  }

  // ------------------------------------------------------------------ colours
  function diverge(t, c0, c1) {
    if (!(t === t)) return GREY;
    return t < 0 ? mix(MID, c0 || ORANGE, clamp(-t, 0, 1)) : mix(MID, c1 || BLUE, clamp(t, 0, 1));
  }

  const heat = (c) => mix(WHITE, c, HEAT_ALPHA);
  /** Heatmap colours as lookup tables (no allocation per pixel): 1024 steps over t ∈ [-1, 1]
      for the diverging scale, 256 confidence steps per class colour. */
  function divergeLUT(c0, c1) {
    const L = new Uint8ClampedArray(1024 * 3);
    for (let i = 0; i < 1024; i++) L.set(heat(diverge(-1 + (2 * i) / 1023, c0, c1)).map(Math.round), 3 * i);
    return L;
  }
  function classLUT(cols) {
    const L = new Uint8ClampedArray(cols.length * 256 * 3);
    cols.forEach((col, c) => { for (let i = 0; i < 256; i++) L.set(heat(mix(MID, col, i / 255)).map(Math.round), 3 * (256 * c + i)); });
    return L;
  }
  const HGREY = heat(GREY).map(Math.round), DEFAULT_LUT = divergeLUT(ORANGE, BLUE), LUTS = new Map();
  // cached across frames
  const lutOf = (kind, cols) => {
    const k = kind + cols.join();
    if (!LUTS.has(k)) LUTS.set(k, kind === "c" ? classLUT(cols) : divergeLUT(cols[0], cols[1]));
    return LUTS.get(k);
  };
  function put(d, q, L, i) { d[q] = L[3 * i]; d[q + 1] = L[3 * i + 1]; d[q + 2] = L[3 * i + 2]; d[q + 3] = 255; }
  // t in [-1, 1] on a diverging table; NaN is grey
  function putT(d, q, L, t) {
    if (t === t) put(d, q, L, Math.round((clamp(t, -1, 1) + 1) * 511.5));
    else { d[q] = HGREY[0]; d[q + 1] = HGREY[1]; d[q + 2] = HGREY[2]; d[q + 3] = 255; }
  }

  /** Heatmap pixel for one output vector o: TFP scale (binary, value) or class colour × confidence. */
  function shade(m, o, disc, d, q) {
    const out = m.out;
    if (out.kind === "classes") {
      const c = argmax(o);
      if (!(o[c] === o[c])) return putT(d, q, DEFAULT_LUT, NaN);
      let p = o[c];
      if (!out.softmax) { let s = 0; for (let j = 0; j < o.length; j++) s += Math.exp(o[j] - o[c]); p = 1 / s; }
      const conf = disc ? 1 : clamp((p - 1 / out.k) / (1 - 1 / out.k), 0, 1);
      return put(d, q, m.clut, 256 * c + Math.round(conf * 255));
    }
    let t = out.kind === "value" ? o[0] / out.range : 2 * mapOut(m, o) - 1;
    if (disc && t === t) t = t > 0 ? 1 : -1;
    putT(d, q, out.kind === "value" ? DEFAULT_LUT : m.lut, t);
  }

  const offscreen = {};
  function scratch(name, w, h) {
    let c = offscreen[name];
    if (!c) { c = offscreen[name] = document.createElement("canvas"); }
    if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
    return c;
  }

  // ------------------------------------------------------------------ painters
  function paintBoundary(canvas, spec, opts = {}) {
    const m = compile(spec), n = opts.n || 100, cs = gridCoords(n, spec.domain || 6);
    const off = scratch("grid", n, n), octx = off.getContext("2d"), img = octx.createImageData(n, n), d = img.data;
    for (let i = 0, p = 0; i < n; i++) for (let j = 0; j < n; j++, p += 4) shade(m, run(m, cs[j], -cs[i]), opts.discretize, d, p);
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

  /** Axes and data points on the transparent layer above the boundary. */
  function paintPoints(canvas, points, opts = {}) {
    const [ctx, w, h] = css(canvas, opts), D = opts.domain || 6;
    const X = (x) => ((x + D) / (2 * D)) * w, Y = (y) => ((D - y) / (2 * D)) * h;
    ctx.strokeStyle = "rgba(0,0,0,0.12)"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(X(0), 0); ctx.lineTo(X(0), h); ctx.moveTo(0, Y(0)); ctx.lineTo(w, Y(0)); ctx.stroke();
    ctx.fillStyle = "rgba(0,0,0,0.45)";
    for (const v of [-D, -D / 2, D / 2, D]) {
      ctx.textAlign = v === -D ? "left" : v === D ? "right" : "center";
      ctx.fillText(String(v), X(v) + (v === -D ? 2 : v === D ? -2 : 0), h - 3);
      ctx.textAlign = "left";
      if (Math.abs(v) !== D) ctx.fillText(String(v), 2, Y(v) + 3);
    }
    ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    if (!points) return;
    const r = clamp(w / 130, 2.2, 4.5), cols = (points.colors || ["#f59322", "#0877bd"]).map(hex);
    const color = (lab) => (points.kind === "regression" ? diverge(lab / (points.range || 1)) : cols[lab] || GREY);
    const draw = (S, test) => {
      if (!S) return;
      for (let p = 0; p < S.x.length; p++) {
        const lab = S.label[p], c = rgb(lab === null ? GREY : color(lab));
        ctx.beginPath(); ctx.arc(X(S.x[p]), Y(S.y[p]), r, 0, 2 * Math.PI);
        if (test) {
          ctx.fillStyle = "white"; ctx.fill();
          ctx.lineWidth = 1.8; ctx.strokeStyle = c; ctx.stroke();
        } else {
          ctx.fillStyle = c; ctx.fill();
          ctx.lineWidth = 1; ctx.strokeStyle = points.kind === "regression" ? "rgba(0,0,0,0.35)" : "white"; ctx.stroke();
        }
      }
    };
    draw(points.train, false);
    if (opts.show_test) draw(points.test, true);
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
    const e = typeof frame.epoch === "number" ? frame.epoch : L.x1, cut = e < L.x1;
    return [[L.test || "", frame.test_loss], [L.train, frame.train_loss]].map(([codes, last]) => {
      const vals = decodeLosses(codes, L.lo, L.hi), n = vals.length, pts = [];
      const ep = (k) => (n > 1 ? L.x0 + (k * (L.x1 - L.x0)) / (n - 1) : L.x1);
      vals.forEach((v, k) => { if (!cut || ep(k) < e) pts.push([ep(k), tr(v)]); });
      if (cut && n) pts.push([e, tr(typeof last === "number" ? last : null)]);
      return pts;
    });
  }

  function paintLoss(canvas, frame, opts = {}) {
    const [ctx, w, h] = css(canvas, opts), fg = opts.color || "#333";
    const L = frame && frame.loss;
    ctx.fillStyle = fg;
    ctx.fillText(`train ${fmt(frame && frame.train_loss)}`, 34, 10);
    ctx.fillStyle = "#999";
    ctx.fillText(`test ${fmt(frame && frame.test_loss)}`, 34 + Math.max(80, w * 0.4), 10);
    if (!L || !L.train || !L.train.length) return;
    const log = !!opts.log, tr = (v) => (v === null || !(log ? v > 0 : isFinite(v)) ? null : log ? Math.log10(v) : v);
    const series = lossSeries(frame, L, tr), e1 = typeof frame.epoch === "number" ? Math.min(frame.epoch, L.x1) : L.x1;
    let lo = Infinity, hi = -Infinity;
    for (const s of series) for (const [, v] of s) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(hi >= lo)) return;
    if (!log) lo = Math.min(0, lo);
    if (hi - lo < 1e-12) { hi += log ? 0.5 : Math.abs(hi) * 0.1 + 1e-12; lo -= log ? 0.5 : 0; }
    const pl = 34, pt = 16, pb = 13, pw = w - pl - 4, ph = h - pt - pb;
    const X = (ep) => pl + (e1 > L.x0 ? ((ep - L.x0) / (e1 - L.x0)) * pw : pw), Y = (v) => pt + (1 - (v - lo) / (hi - lo)) * ph;
    ctx.strokeStyle = "rgba(128,128,128,0.4)"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(pl, pt); ctx.lineTo(pl, pt + ph); ctx.lineTo(pl + pw, pt + ph); ctx.stroke();
    ctx.fillStyle = "#888"; ctx.textAlign = "right";
    const lab = (v) => { const x = log ? 10 ** v : v; return Math.abs(x) >= 1e3 || (x && Math.abs(x) < 1e-2) ? x.toExponential(0) : x.toPrecision(2); };
    ctx.fillText(lab(hi), pl - 3, pt + 7); ctx.fillText(lab(lo), pl - 3, pt + ph);
    ctx.textAlign = "left"; ctx.fillText(String(L.x0), pl, h - 2);
    ctx.textAlign = "right"; ctx.fillText(`epoch ${e1}`, pl + pw, h - 2); ctx.textAlign = "left";
    series.forEach((s, q) => {
      ctx.strokeStyle = q ? fg : "#999"; ctx.lineWidth = q ? 1.6 : 1.3;
      ctx.beginPath();
      let pen = false;
      s.forEach(([ep, v]) => { if (v === null) { pen = false; return; } pen ? ctx.lineTo(X(ep), Y(v)) : ctx.moveTo(X(ep), Y(v)); pen = true; });
      ctx.stroke();
    });
  }

  // ------------------------------------------------------------------ network diagram
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
    else putT(d, q, DEFAULT_LUT, NaN);
  }

  /** Every node's map on a G×G grid, one G×G tile each in a sprite (input rows first, inactive
      inputs too): inputs and hidden units on the diverging scale of their max |a|, outputs as on
      the boundary. */
  function netSprites(m, spec, g, G) {
    const cs = gridCoords(G, spec.domain || 6), P = G * G, sizes = m.sizes, nL = m.layers.length;
    const vals = sizes.map((n) => Array.from({ length: n }, () => new Float64Array(P)));
    const off = g.rows.map((r) => (r.index < 0 ? [new Float64Array(P), FEATURES[r.name] || (() => 0)] : null));
    for (let i = 0, p = 0; i < G; i++) for (let j = 0; j < G; j++, p++) {
      run(m, cs[j], -cs[i]);
      for (let l = 0; l < sizes.length; l++) for (let u = 0; u < sizes[l]; u++) vals[l][u][p] = m.bufs[l][u];
      for (const x of off) if (x) x[0][p] = x[1](cs[j], -cs[i]);
    }
    const tiles = [...g.rows.map((r, k) => (off[k] ? off[k][0] : vals[0][r.index])), ...vals.slice(1).flat()];
    const sprite = scratch("sprite", G, G * tiles.length), sctx = sprite.getContext("2d");
    const img = sctx.createImageData(G, G * tiles.length), d = img.data, o = new Float64Array(sizes[nL]);
    const first = tiles.length - sizes[nL];
    tiles.forEach((v, t) => {
      let s = 1;
      if (t < first) for (let p = 0; p < P; p++) if (Math.abs(v[p]) > s) s = Math.abs(v[p]);
      for (let p = 0, q = t * P * 4; p < P; p++, q += 4) {
        if (t < first) putT(d, q, DEFAULT_LUT, v[p] / s); else outPixel(m, vals[nL], t - first, p, o, d, q);
      }
    });
    sctx.putImageData(img, 0, 0);
    return sprite;
  }

  /** Links by weight (residual identities dashed, under them); returns the selected link. */
  function drawLinks(ctx, m, g, same, hits) {
    const { sz, colX, yc } = g, maxW = clamp(sz / 5, 2, 7);
    ctx.setLineDash([3, 3]); ctx.strokeStyle = "rgba(128,128,128,0.6)"; ctx.lineWidth = 1;
    m.layers.forEach((L, l) => {
      if (!L.res) return;
      for (let j = 0; j < L.nOut; j++) { ctx.beginPath(); ctx.moveTo(colX(l) + sz, yc(l, j)); ctx.lineTo(colX(l + 1), yc(l + 1, j)); ctx.stroke(); }
    });
    ctx.setLineDash([]);
    let selLink = null;
    m.layers.forEach((L, l) => {
      const x0 = colX(l) + sz, x1 = colX(l + 1), c = L.nIn + 1;
      for (let j = 0; j < L.nOut; j++) for (let i = 0; i < L.nIn; i++) {
        const wv = L.W[j * c + i], lw = 0.5 + (Math.min(Math.abs(wv), 4) * (maxW - 0.5)) / 4;
        const pts = [x0, yc(l, i), x1, yc(l + 1, j)], s = { layer: l, from: i, to: j };
        ctx.strokeStyle = rgb(diverge(clamp(wv, -1, 1))); ctx.lineWidth = wv === wv ? lw : 1;
        bezier(ctx, pts); ctx.stroke();
        hits.push({ kind: "link", sel: s, pts, lw, value: wv });
        if (same(s)) selLink = pts;
      }
    });
    return selLink;
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
  function drawInputs(ctx, g, sprite, G, fg, hits) {
    const { sz, left } = g, x = g.colX(0), boxes = [];
    ctx.font = FONT(10); ctx.textAlign = "right";
    g.rows.forEach((r, k) => {
      const y = g.rowY(0, k), on = r.index >= 0, tw = ctx.measureText(r.label).width;
      ctx.globalAlpha = on ? 1 : 0.3;
      ctx.drawImage(sprite, 0, k * G, G, G, x, y, sz, sz);
      ctx.strokeStyle = "rgba(100,100,100,0.7)"; ctx.lineWidth = 1; ctx.strokeRect(x, y, sz, sz);
      ctx.globalAlpha = on ? 1 : 0.5;
      ctx.fillStyle = fg; ctx.fillText(r.label, x - 4, y + sz / 2 + 3);
      ctx.globalAlpha = 1;
      hits.push({ kind: "input", feature: r.name, active: on, label: r.label, box: [2, y + (sz - g.rowH) / 2, left - 2 + sz, g.rowH] });
      boxes.push({ text: r.label, x: x - 4 - tw, y: y + sz / 2 - 6, w: tw, h: 10 });
    });
    ctx.textAlign = "left";
    return boxes;
  }

  /** Hidden and output neurons with their bias marks. */
  function drawNeurons(ctx, m, g, sprite, G, same, fg, hits) {
    const { sz, colX, rowY, sizes } = g, bs = Math.max(4, Math.round(sz * 0.22));
    let q = g.rows.length;
    for (let c = 1; c < g.ncol; c++) {
      const L = m.layers[c - 1], x = colX(c);
      for (let j = 0; j < sizes[c]; j++, q++) {
        const y = rowY(c, j), s = { layer: c - 1, neuron: j }, b = L.W[j * (L.nIn + 1) + L.nIn];
        ctx.drawImage(sprite, 0, q * G, G, G, x, y, sz, sz);
        ctx.strokeStyle = same(s) ? fg : "rgba(100,100,100,0.7)"; ctx.lineWidth = same(s) ? 2.5 : 1;
        ctx.strokeRect(x, y, sz, sz);
        hits.push({ kind: "neuron", sel: s, box: [x, y, sz, sz], value: b });
        const bx = x - bs / 2, by = y + sz - bs / 2, bsel = { layer: c - 1, from: L.nIn, to: j, bias: true };
        ctx.fillStyle = rgb(diverge(clamp(b, -1, 1))); ctx.fillRect(bx, by, bs, bs);
        ctx.strokeStyle = same(bsel) ? fg : "rgba(60,60,60,0.8)"; ctx.lineWidth = same(bsel) ? 2 : 0.8; ctx.strokeRect(bx, by, bs, bs);
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

  /** Network diagram: a heatmap thumbnail per node, links by weight, bias marks, residual
      arrows. Returns the hit regions used for hover and click; hits.labels: every text's box. */
  function paintNetwork(canvas, spec, opts = {}) {
    const [ctx, w, h] = css(canvas, opts), m = compile(spec), fg = opts.color || "#333";
    const g = netGeometry(ctx, spec, m, w, h), G = clamp(Math.round(g.sz * (opts.dpr || 1)), 4, opts.G || 24);
    const sprite = netSprites(m, spec, g, G), hits = [], sel = JSON.stringify(opts.sel || null);
    const same = (s) => JSON.stringify(s) === sel;
    const selLink = drawLinks(ctx, m, g, same, hits);
    if (selLink) { ctx.strokeStyle = fg; ctx.lineWidth = 1.5; ctx.setLineDash([4, 3]); bezier(ctx, selLink); ctx.stroke(); ctx.setLineDash([]); }
    drawSkips(ctx, m, g, (spec.palette && spec.palette.skip) || fg);
    ctx.imageSmoothingEnabled = true;
    const inputs = drawInputs(ctx, g, sprite, G, fg, hits);
    drawNeurons(ctx, m, g, sprite, G, same, fg, hits);
    hits.labels = [...drawHeaders(ctx, g, fg), ...inputs];
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

  function neuronName(spec, l, j) {
    if (l < 0) return labelOf(spec, spec.features[j]);
    if (l === spec.layers.length - 1) return spec.layers[l].W.length > 1 ? `out ${j}` : "out";
    return `h${l + 1}.${j + 1}`;
  }

  function describe(spec, hh) {
    const s = hh.sel;
    if (hh.kind === "input") return `${hh.label}: ${hh.active ? "an input; click to remove it" : "not used; click to add it"}`;
    if (hh.kind === "link") return `${neuronName(spec, s.layer - 1, s.from)} → ${neuronName(spec, s.layer, s.to)}: w = ${fmt(hh.value)}`;
    if (hh.kind === "bias") return `bias of ${neuronName(spec, s.layer, s.to)}: ${fmt(hh.value)}`;
    return neuronName(spec, s.layer, s.neuron) + ` (${spec.layers[s.layer].act}), bias ${fmt(hh.value)}`;
  }

  /** The caption under the boundary (the epoch and losses are in the status line). */
  function captionText(f) {
    const parts = hasAcc(f) ? [`accuracy ${percent(f.train_acc)} train · ${percent(f.test_acc)} test`] : [];
    if (f.diverged) parts.push("stopped (diverged)");
    return parts.join(" · ");
  }

  /** Plain text into a one-line element, its font shrunk (down to 8 px) until the text fits. */
  function fitText(e, text, px) {
    if (e.textContent === text && e._fitW === e.clientWidth) return;
    e.textContent = text;
    let f = px;
    e.style.fontSize = `${f}px`;
    while (f > 8 && e.scrollWidth > e.clientWidth) e.style.fontSize = `${--f}px`;
    e._fitW = e.clientWidth;
  }

  // ------------------------------------------------------------------ component
  const instances = new WeakMap(), pointsCache = new Map(), COARSE_MACS = 1500, NARROW = 560;
  // paints: boundary paints; skipped: weight states received but never shown
  const stats = { updates: 0, paints: 0, skipped: 0, lastPaintMs: 0, paintTimes: [] };
  let clicks = 0, hashInst = null, hashWatched = false;

  function el(tag, cls, parent) { const e = document.createElement(tag); e.className = cls; parent.appendChild(e); return e; }

  /** A number that grows with every click (also across remounts): two clicks on the same
      thing are two changes of the component's state. */
  const click = () => (clicks = Math.max(clicks + 1, Date.now()));

  /** A click on an input asks the page to toggle that feature ("toggle" state); a click on a
      neuron, link or bias selects it, a click on empty space clears the selection ("select"). */
  function clicked(inst, hh) {
    if (hh && hh.kind === "input") { inst.setState("toggle", { feature: hh.feature, n: click() }); return; }
    inst.sel = hh ? hh.sel : null;
    inst.setState("select", hh ? { ...hh.sel, n: click() } : null);
    schedule(inst);
  }

  function listen(inst) {
    const at = (e) => { const r = inst.net.getBoundingClientRect(); return hitTest(inst.hits, e.clientX - r.left, e.clientY - r.top); };
    inst.net.addEventListener("click", (e) => clicked(inst, at(e)));
    inst.net.addEventListener("mousemove", (e) => {
      const hh = at(e), tip = inst.tip;
      inst.net.style.cursor = hh ? "pointer" : "default";
      if (!hh || !inst.spec) { tip.style.display = "none"; return; }
      tip.textContent = describe(inst.spec, hh);
      tip.style.display = "block";  // before measuring its width
      tip.style.left = `${Math.min(e.offsetX + 12, Math.max(0, inst.root.clientWidth - tip.offsetWidth))}px`;
      tip.style.top = `${parseFloat(inst.net.style.top || 0) + e.offsetY + 12}px`;
    });
    inst.net.addEventListener("mouseleave", () => { inst.tip.style.display = "none"; });
    inst.onResize = () => schedule(inst);
    window.addEventListener("resize", inst.onResize);
  }

  function create(parent) {
    parent.querySelectorAll(".pg-root").forEach((e) => e.remove());
    const root = el("div", "pg-root", parent), status = el("div", "pg-status", root);
    status.setAttribute("data-pg-status", "");
    const inst = { root, status, net: el("canvas", "pg-net", root), heat: el("canvas", "pg-heat", root), over: el("canvas", "pg-over", root),
                   info: el("div", "pg-info", root), loss: el("canvas", "pg-loss", root), tip: el("div", "pg-tip", root),
                   spec: null, points: null, opts: {}, acked: undefined, sel: null, hits: [], layoutKey: "", raf: 0, overKey: "",
                   arrived: -1e9, interval: 33 };
    root._pg = inst;
    inst.ro = new ResizeObserver(() => schedule(inst));
    inst.ro.observe(root);
    listen(inst);
    inst.destroy = () => { inst.ro.disconnect(); window.removeEventListener("resize", inst.onResize); cancelAnimationFrame(inst.raf); root.remove(); };
    return inst;
  }

  function ack(inst, key) {
    if (inst.acked === key) return;
    inst.acked = key;
    inst.setState("points_key", key);
  }

  /** A TensorFlow Playground hash on this page's own URL (/#activation=relu&...): reported as
      the "hash" state (Streamlit never sends it to the server), then removed from the address
      bar, the query kept. Once on the first mount, again if the hash changes later. */
  function reportHash() {
    const h = location.hash;
    if (!hashInst || !h || h.length < 2) return;
    hashInst.setState("hash", h);
    history.replaceState(history.state, "", location.pathname + location.search);
  }

  /** Take the latest data; painting happens on the next animation frame (latest data wins). */
  function update(inst, data) {
    stats.updates++;
    inst.opts = data.opts || {};
    if (data.spec) playback(inst, data.spec);
    const P = data.points;
    if (P && P.key) {
      if (P.train) {
        pointsCache.set(P.key, P);
        while (pointsCache.size > 4) pointsCache.delete(pointsCache.keys().next().value);
      }
      const have = pointsCache.get(P.key);
      if (have) inst.points = have;
      // null asks Python to send the points again
      ack(inst, have ? P.key : null);
    } else if (P === null) {
      inst.points = null;
    }
    schedule(inst);
  }

  /** The frame's weight states as specs to paint, oldest first, ending on the frame itself
      (canvas_spec.playback_spec); states not newer than the one on screen are dropped. */
  function states(f, on) {
    const S = f.snapshots?.length ? f.snapshots : [f], all = !on || f.epoch < on.epoch;
    return S.filter((s, k) => all || s.epoch > on.epoch || k === S.length - 1)
      .map((s) => (s.W ? { ...f, ...s, layers: f.layers.map((L, l) => ({ ...L, W: s.W[l] })) } : f));
  }

  /** A new frame: its K states are due at even steps over the expected tick interval (the
      running mean of the gaps between frames), the first at once. A newer frame replaces an
      unfinished playback (its states count as skipped). */
  function playback(inst, f) {
    const now = performance.now(), gap = now - inst.arrived, P = inst.play, specs = states(f, inst.spec);
    if (gap > 5 && gap < 250) inst.interval += 0.2 * (gap - inst.interval);
    if (P) stats.skipped += P.specs.length - P.next;
    inst.arrived = now;
    inst.play = { specs, t0: now, step: inst.interval / specs.length, next: 0 };
  }

  /** Repaint on the next animation frame: new data, a resize or a selection. */
  function schedule(inst) {
    inst.dirty = true;
    if (!inst.raf) inst.raf = requestAnimationFrame(() => animate(inst));
  }

  /** One animation frame: paint the newest due state (one paint at most: when late, states
      are skipped, never queued), and come back until the playback is over. */
  function animate(inst) {
    const P = inst.play, n = P ? P.specs.length : 0, k = P ? Math.min(n - 1, Math.floor((performance.now() - P.t0) / P.step)) : -1;
    inst.raf = 0;
    if (P && k >= P.next) { stats.skipped += k - P.next; inst.spec = P.specs[k]; P.next = k + 1; inst.dirty = true; }
    if (inst.dirty) { inst.dirty = false; paint(inst); }
    if (P && P.next < n && !inst.raf) inst.raf = requestAnimationFrame(() => animate(inst));
  }

  function place(e, [x, y, w, h], dpr) {
    Object.assign(e.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px`, display: "block" });
    if (e.tagName === "CANVAS") { e.width = Math.max(1, Math.round(w * dpr)); e.height = Math.max(1, Math.round(h * dpr)); }
  }

  /** Boxes [x, y, w, h] below the status line (`top` px high): side by side on a wide container
      (network left, boundary, caption and loss right, all `H` high), stacked on a narrow one
      (network, then boundary, caption and loss, each full width). */
  function boxes(W, H, showNet, top) {
    const infoH = 18;
    if (W >= NARROW) {
      const lossH = Math.round(clamp(H * 0.24, 60, 110));
      const s = Math.floor(Math.max(60, Math.min(H - lossH - infoH - 6, showNet ? W * 0.5 : W))), x = W - s;
      return { net: showNet ? [0, top, x - 10, H] : null, heat: [x, top, s, s], info: [x, top + s + 2, s, infoH],
               loss: [x, top + s + infoH + 4, s, H - s - infoH - 4], height: top + H };
    }
    const netH = showNet ? Math.round(clamp(W * 0.85, 220, Math.max(220, H * 0.8))) : 0;
    const s = Math.min(W, 520), x = Math.floor((W - s) / 2), y = top + (showNet ? netH + 8 : 0), lossH = 110;
    return { net: showNet ? [0, top, W, netH] : null, heat: [x, y, s, s], info: [x, y + s + 2, s, infoH],
             loss: [x, y + s + infoH + 4, s, lossH], height: y + s + infoH + 4 + lossH };
  }

  function layout(inst, W, dpr, statusH) {
    const o = inst.opts, b = boxes(W, o.height || 420, o.show_network !== false, statusH + 6);
    place(inst.heat, b.heat, dpr); place(inst.over, b.heat, dpr); place(inst.info, b.info, dpr); place(inst.loss, b.loss, dpr);
    if (b.net) place(inst.net, b.net, dpr); else inst.net.style.display = "none";
    inst.netOn = !!b.net;
    inst.root.style.height = `${b.height}px`;
    inst.fg = getComputedStyle(inst.root).color || "#333";
  }

  /** The status line, from the state being painted (so it agrees with the caption and the
      loss chart): ui_live.status_text's wording; data-pg-status holds the epoch. */
  function showStatus(inst, f) {
    const e = inst.status, text = statusText(f), help = inst.opts.status_help || "";
    if (e.textContent !== text) e.textContent = text;
    e.setAttribute("data-pg-status", String(f.epoch || 0));
    if (e.title !== help) e.title = help;
  }

  function paint(inst) {
    const t0 = performance.now(), o = inst.opts;
    const W = inst.root.clientWidth, dpr = window.devicePixelRatio || 1;
    if (!W) return;
    inst.root.classList.toggle("pg-narrow", W < NARROW);
    if (inst.spec) showStatus(inst, inst.spec);
    const sh = inst.status.offsetHeight, key = [W, o.height || 420, dpr, o.show_network !== false, sh].join();
    if (key !== inst.layoutKey) { layout(inst, W, dpr, sh); inst.layoutKey = key; inst.overKey = ""; }
    if (!inst.spec) return;
    try {
      // big nets: 50×50 while training, the full 100×100 once no new weights came for 0.3 s
      const coarse = compile(inst.spec).macs > COARSE_MACS, spec = inst.spec;
      paintBoundary(inst.heat, spec, { discretize: !!o.discretize, n: coarse ? 50 : 100 });
      clearTimeout(inst.refine);
      if (coarse) inst.refine = setTimeout(() => { if (inst.spec === spec) paintBoundary(inst.heat, spec, { discretize: !!o.discretize }); }, 300);
      const overKey = [key, inst.points && inst.points.key, !!o.show_test].join();
      if (overKey !== inst.overKey) {
        paintPoints(inst.over, inst.points, { dpr, show_test: !!o.show_test, domain: inst.spec.domain });
        inst.overKey = overKey;
      }
      paintLoss(inst.loss, inst.spec, { dpr, log: !!o.log_loss, color: inst.fg });
      fitText(inst.info, captionText(inst.spec), 11);
      if (inst.netOn) { inst.hits = paintNetwork(inst.net, inst.spec, { dpr, sel: inst.sel, color: inst.fg }); inst.labels = inst.hits.labels; }
    } catch (e) {
      inst.info.textContent = `live view error: ${e.message}`;
      console.error(e);
    }
    const dt = performance.now() - t0;
    stats.paints++; stats.lastPaintMs = dt;
    stats.paintTimes.push(t0);
    if (stats.paintTimes.length > 600) stats.paintTimes.splice(0, 300);
  }

  /** Entry point of the st.components.v2 component (called with every new data). */
  function mount(component) {
    const { data, parentElement, setStateValue } = component;
    let inst = instances.get(parentElement);
    if (!inst || !inst.root.isConnected) { inst = create(parentElement); instances.set(parentElement, inst); }
    inst.setState = setStateValue || (() => {});
    hashInst = inst;
    if (!hashWatched) { hashWatched = true; window.addEventListener("hashchange", reportHash); reportHash(); }
    update(inst, data || {});
    return () => setTimeout(() => { if (!inst.root.isConnected) inst.destroy(); }, 1000);
  }

  const api = { compile, run, forward, mapOut, gridCoords, evalGrid, shade, heat, paintBoundary,
                paintPoints, paintLoss, paintNetwork, hitTest, decodeLosses, mount, stats, ACTS, FEATURES,
                epochText, fixed4, statusText, captionText };
  globalThis.PlaygroundCanvas = api;
  return api;
})();
