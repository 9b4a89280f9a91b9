/* Texts: number formats and the status line and caption (twins of ui/live.py). */
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
  return parts.join(" · ");
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
