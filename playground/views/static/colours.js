/* Colours. Every colour comes from the spec's palette (canvas_spec.PALETTE, made from
   playground/views/style.py, the plotly figures' palette too): this code has none of its own.
   A spec without a palette is an error. Colours here are [r, g, b] arrays of 0..255. */

const hex = (c) => { const n = parseInt(String(c).slice(1, 7), 16); return [n >> 16, (n >> 8) & 255, n & 255]; };
const mix = (a, b, t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const rgb = (c) => `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`;

/** The spec's palette, parsed once per palette object: its strings as sent ("#rrggbb" or
    "#rrggbbaa", for strokeStyle and fillStyle) plus the scales' colours as [r, g, b]. */
const palettes = new WeakMap();
function paletteOf(raw) {
  if (!raw || typeof raw !== "object") throw new Error("the spec has no palette");
  let P = palettes.get(raw);
  if (P) return P;
  P = { ...raw, neg: hex(raw.negative), pos: hex(raw.positive), mid: hex(raw.neutral), grey: hex(raw.nan),
        under: hex(raw.paper), alpha: raw.heat, key: JSON.stringify(raw) };
  P.hnan = heatOf(P, P.grey).map(Math.round);
  palettes.set(raw, P);
  return P;
}

/** t ∈ [-1, 1] on the diverging scale c0 (−1) … neutral (0) … c1 (+1); NaN is grey. */
function diverge(P, t, c0 = P.neg, c1 = P.pos) {
  if (!(t === t)) return P.grey;
  return t < 0 ? mix(P.mid, c0, clamp(-t, 0, 1)) : mix(P.mid, c1, clamp(t, 0, 1));
}

// TFP paints the heatmap at alpha P.alpha (160/255) over white (the palette's paper)
const heatOf = (P, c) => mix(P.under, c, P.alpha);
/** A colour [r, g, b] as the boundary shows it, on the spec palette `raw` (style.heat). */
const heat = (c, raw) => heatOf(paletteOf(raw), c);

/** Heatmap colours as lookup tables (no allocation per pixel): 1024 steps over t ∈ [-1, 1]
    for the diverging scale, 256 confidence steps per class colour. */
function divergeLUT(P, c0, c1) {
  const L = new Uint8ClampedArray(1024 * 3);
  for (let i = 0; i < 1024; i++) L.set(heatOf(P, diverge(P, -1 + (2 * i) / 1023, c0, c1)).map(Math.round), 3 * i);
  return L;
}
function classLUT(P, cols) {
  const L = new Uint8ClampedArray(cols.length * 256 * 3);
  cols.forEach((col, c) => { for (let i = 0; i < 256; i++) L.set(heatOf(P, mix(P.mid, col, i / 255)).map(Math.round), 3 * (256 * c + i)); });
  return L;
}
// cached across frames: "d" diverging between cols[0] and cols[1], "c" one band per class
const LUTS = new Map();
const lutOf = (P, kind, cols) => {
  const k = kind + cols.join() + P.key;
  if (!LUTS.has(k)) {
    if (LUTS.size > 32) LUTS.clear();
    LUTS.set(k, kind === "c" ? classLUT(P, cols) : divergeLUT(P, cols[0], cols[1]));
  }
  return LUTS.get(k);
};
function put(d, q, L, i) { d[q] = L[3 * i]; d[q + 1] = L[3 * i + 1]; d[q + 2] = L[3 * i + 2]; d[q + 3] = 255; }
// t in [-1, 1] on a diverging table; NaN is grey (G: the palette's heated grey)
function putT(d, q, L, t, G) {
  if (t === t) put(d, q, L, Math.round((clamp(t, -1, 1) + 1) * 511.5));
  else { d[q] = G[0]; d[q + 1] = G[1]; d[q + 2] = G[2]; d[q + 3] = 255; }
}

/** Heatmap pixel for one output vector o: TFP scale (binary, value) or class colour × confidence. */
function shade(m, o, disc, d, q) {
  const out = m.out;
  if (out.kind === "classes") {
    const c = argmax(o);
    if (!(o[c] === o[c])) return putT(d, q, m.vlut, NaN, m.pal.hnan);
    let p = o[c];
    if (!out.softmax) { let s = 0; for (let j = 0; j < o.length; j++) s += Math.exp(o[j] - o[c]); p = 1 / s; }
    const conf = disc ? 1 : clamp((p - 1 / out.k) / (1 - 1 / out.k), 0, 1);
    return put(d, q, m.clut, 256 * c + Math.round(conf * 255));
  }
  let t = out.kind === "value" ? o[0] / out.range : 2 * mapOut(m, o) - 1;
  if (disc && t === t) t = t > 0 ? 1 : -1;
  putT(d, q, out.kind === "value" ? m.vlut : m.lut, t, m.pal.hnan);
}
