/* The model twin: the spec's network compiled and run in the browser (twins of
   core/engine.py's activations and the features), and its output over the grid. */
const GC = Math.sqrt(2 / Math.PI);
const FEATURES = {
  x1: (x, y) => x, x2: (x, y) => y, x1sq: (x, y) => x * x, x2sq: (x, y) => y * y,
  x1x2: (x, y) => x * y, sinx1: (x, y) => Math.sin(x), sinx2: (x, y) => Math.sin(y),
};
const LABELS = { x1: "x₁", x2: "x₂", x1sq: "x₁²", x2sq: "x₂²", x1x2: "x₁x₂",
                 sinx1: "sin x₁", sinx2: "sin x₂" };
// Twins of playground/core/engine.py ACTIVATIONS (same formulas, same operation order).
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

const clamp = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);

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
  const out = spec.out, pal = paletteOf(spec.palette), colors = out.colors ? out.colors.map(hex) : [pal.neg, pal.pos];
  const m = { spec, layers, feats, sizes, out, colors, pal, bufs: sizes.map((n) => new Float64Array(n)),
              macs: layers.reduce((a, L) => a + L.nOut * (L.nIn + 1), 0),
              lut: lutOf(pal, "d", colors), clut: lutOf(pal, "c", colors), vlut: lutOf(pal, "d", [pal.neg, pal.pos]) };
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
