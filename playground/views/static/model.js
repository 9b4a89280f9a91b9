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

/* The same network over a whole n×n grid, one layer at a time (what the boundary and the
   neuron maps paint, 60 times a second): the operations of run() in the same order, so every
   value is bit for bit run()'s, but with no call per point. Buffers are kept per grid size
   and reused: a result is good until the next gridActs call of that size. */
const gridBufs = new Map(), gridInputs = new Map();

/** Feature f at every grid point (row 0 at the top: x2 = +D), cached per (f, n, D). */
function gridInput(f, n, D) {
  const key = `${f}:${n}:${D}`;
  let v = gridInputs.get(key);
  if (!v) {
    const cs = gridCoords(n, D), F = FEATURES[f];
    v = new Float64Array(n * n);
    for (let i = 0, p = 0; i < n; i++) for (let j = 0; j < n; j++, p++) v[p] = F(cs[j], -cs[i]);
    if (gridInputs.size > 64) gridInputs.clear();
    gridInputs.set(key, v);
  }
  return v;
}

function gridBuffer(n, l, u) {
  const key = `${n}:${l}:${u}`;
  let b = gridBufs.get(key);
  if (!b) { if (gridBufs.size > 4096) gridBufs.clear(); b = new Float64Array(n * n); gridBufs.set(key, b); }
  return b;
}

/** One layer over P points: Z[j] = f(Σᵢ W[j,i]·A[i] + b[j]) (+ A[j] when residual). */
function gridLayer(L, A, Z, P) {
  const n = L.nIn, c = n + 1, W = L.W, f = L.f;
  for (let j = 0; j < L.nOut; j++) {
    const z = Z[j], o = j * c, b = W[o + n];
    z.fill(0);
    for (let i = 0; i < n; i++) { const w = W[o + i], a = A[i]; for (let p = 0; p < P; p++) z[p] += w * a[p]; }
    if (L.soft) for (let p = 0; p < P; p++) z[p] += b;
    else for (let p = 0; p < P; p++) z[p] = f(z[p] + b);
  }
  if (L.soft) {
    for (let p = 0; p < P; p++) {
      let mx = -Infinity, sum = 0;
      for (let j = 0; j < L.nOut; j++) mx = Math.max(mx, Z[j][p]);
      for (let j = 0; j < L.nOut; j++) { Z[j][p] = Math.exp(Z[j][p] - mx); sum += Z[j][p]; }
      for (let j = 0; j < L.nOut; j++) Z[j][p] /= sum;
    }
  }
  if (L.res) for (let j = 0; j < L.nOut; j++) { const z = Z[j], a = A[j]; for (let p = 0; p < P; p++) z[p] += a[p]; }
}

/** Every layer's activations on the n×n grid: acts[l][u] is a Float64Array over the points
    (l = 0: the inputs), as run() computes them point by point. */
function gridActs(m, n) {
  const D = m.spec.domain || 6, P = n * n;
  const acts = [m.spec.features.map((f) => gridInput(f, n, D))];
  m.layers.forEach((L, l) => {
    const Z = Array.from({ length: L.nOut }, (_, u) => gridBuffer(n, l, u));
    gridLayer(L, acts[l], Z, P);
    acts.push(Z);
  });
  return acts;
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
  const O = gridActs(m, n).at(-1), o = new Float64Array(O.length);
  for (let p = 0; p < n * n; p++) {
    for (let k = 0; k < o.length; k++) o[k] = O[k][p];
    out.push(mapOut(m, o));
    raw.push(...o);
  }
  return { out, raw, coords: Array.from(cs) };
}
