/* The st.components.v2 component: instances, clicks, layout, playback and the API. */
const instances = new WeakMap(), pointsCache = new Map(), COARSE_MACS = 1500, NARROW = 560, SLOW_HZ = 10, STREAM_MS = 200;
// paints: boundary paints; skipped: weight states received but never shown
const stats = { updates: 0, paints: 0, skipped: 0, lastPaintMs: 0, paintTimes: [], channel: "none", channelFrames: 0, channelLags: [] };
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

/** A click on the boundary, while it may pick (the step-through is open, or opts.pick): the
    "pick" state {x, y, n}, in the plot's data coordinates (x1 right, x2 up, ±domain). */
function picked(inst, e) {
  if (!inst.pickable || !inst.spec) return;
  const p = dataXY(inst, e);
  if (p) inst.setState("pick", { ...p, n: click() });
}

function listen(inst) {
  const at = (e) => { const r = inst.net.getBoundingClientRect(); return hitTest(inst.hits, e.clientX - r.left, e.clientY - r.top); };
  inst.net.addEventListener("click", (e) => clicked(inst, at(e)));
  inst.heat.addEventListener("click", (e) => { if (!edited(inst, e, false)) picked(inst, e); });
  inst.heat.addEventListener("contextmenu", (e) => { if (inst.opts.edit && inst.opts.edit.mode && edited(inst, e, true)) e.preventDefault(); });
  inst.net.addEventListener("mousemove", (e) => {
    const hh = at(e), tip = inst.tip;
    inst.net.style.cursor = hh ? "pointer" : "default";
    if (!hh || !inst.spec) { tip.style.display = "none"; return; }
    tip.textContent = describe(inst.spec, hh, inst.inside);
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
                 arrived: -1e9, interval: 33, pending: [], edits: [] };
  root._pg = inst;
  // sizes come from the observer, so a paint never forces a layout (it cost a third of a frame)
  inst.ro = new ResizeObserver(() => { inst.W = root.clientWidth; inst.statusH = status.offsetHeight; schedule(inst); });
  inst.ro.observe(root);
  inst.ro.observe(status);
  listen(inst);
  inst.destroy = () => { if (inst.chan) closeChannel(inst.chan); inst.ro.disconnect(); window.removeEventListener("resize", inst.onResize); cancelAnimationFrame(inst.raf); root.remove(); };
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
  inst.inside = data.inside || null;
  inst.pickable = !!(inst.inside || inst.opts.pick);
  const tool = inst.opts.edit && inst.opts.edit.mode;
  inst.heat.style.cursor = tool || inst.pickable ? "crosshair" : "";
  inst.root.toggleAttribute("data-pg-tool", !!tool);
  connect(inst, data.channel || null);
  // while the channel streams, a rerun's frame older than the one on screen is not shown
  const streaming = inst.chan && inst.chan.open && inst.spec && data.spec && data.spec.epoch > 0;
  // (a look back in time, `scrub`, is older on purpose)
  if (data.spec && !(streaming && data.spec.epoch < inst.spec.epoch && typeof data.spec.scrub !== "number")) playback(inst, data.spec);
  const P = data.points;
  if (P && P.key) {
    if (P.train) {
      pointsCache.set(P.key, P);
      while (pointsCache.size > 4) pointsCache.delete(pointsCache.keys().next().value);
    }
    const have = pointsCache.get(P.key);
    if (have && (!inst.points || inst.points.key !== have.key)) inst.pending = [];  // the page has them now
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

/** One animation frame: paint the channel's next queued state, or else the newest due state
    of a fragment's playback (one paint at most: when late, its states are skipped, never
    queued), and come back until both are done. */
function animate(inst) {
  const P = inst.play, n = P ? P.specs.length : 0, k = P ? Math.min(n - 1, Math.floor((performance.now() - P.t0) / P.step)) : -1;
  inst.raf = 0;
  if (channelNext(inst)) inst.dirty = true;  // the channel's states: one per frame
  else if (P && k >= P.next) { stats.skipped += k - P.next; inst.spec = P.specs[k]; P.next = k + 1; inst.dirty = true; }
  if (inst.dirty) { inst.dirty = false; paint(inst); channelCredit(inst); }
  const more = (P && P.next < n) || (inst.chan && inst.chan.queue && inst.chan.queue.length);
  if (more && !inst.raf) inst.raf = requestAnimationFrame(() => animate(inst));
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
  place(inst.heat, b.heat, dpr); place(inst.over, b.heat, dpr); place(inst.info, b.info, dpr); inst.infoW = b.info[2]; place(inst.loss, b.loss, dpr);
  if (b.net) place(inst.net, b.net, dpr); else inst.net.style.display = "none";
  inst.netOn = !!b.net;
  inst.root.style.height = `${b.height}px`;
  const cs = getComputedStyle(inst.root);
  inst.fg = cs.color || null;  // null: the palette's text colour
  inst.bg = cs.getPropertyValue("--st-background-color").trim() || null;  // the page's; null: paper
}

/** The status line, from the state being painted (so it agrees with the caption and the
    loss chart): ui/live.status_text's wording; data-pg-status holds the epoch. */
function showStatus(inst, f) {
  const e = inst.status, text = statusText(f), help = inst.opts.status_help || "";
  if (e.textContent !== text) e.textContent = text;
  e.setAttribute("data-pg-status", String(f.epoch || 0));
  if (e.title !== help) e.title = help;
}

function paint(inst) {
  const t0 = performance.now(), o = inst.opts;
  const W = inst.W ?? inst.root.clientWidth, dpr = window.devicePixelRatio || 1;
  if (!W) return;
  inst.root.classList.toggle("pg-narrow", W < NARROW);
  inst.shown = inst.spec;
  const sh = inst.statusH ?? inst.status.offsetHeight, key = [W, o.height || 420, dpr, o.show_network !== false, sh].join();
  if (key !== inst.layoutKey) { layout(inst, W, dpr, sh); inst.layoutKey = key; inst.overKey = ""; }
  if (!inst.spec) return;
  try {
    // big nets: 50×50 while training, the full 100×100 once no new weights came for 0.3 s
    const coarse = compile(inst.spec).macs > COARSE_MACS, spec = inst.spec;
    paintBoundary(inst.heat, spec, { discretize: !!o.discretize, n: coarse ? 50 : 100 });
    clearTimeout(inst.refine);
    if (coarse) inst.refine = setTimeout(() => { if (inst.spec === spec) paintBoundary(inst.heat, spec, { discretize: !!o.discretize }); }, 300);
    const ins = inst.inside, marks = ins ? ins.points : null;
    // while states stream in over the channel (one came in the last STREAM_MS: playing), the
    // texts, the loss chart, the diagram (every neuron's map) and the mistakes' rings are
    // repainted at most SLOW_HZ times a second, the last state always (a counter changing 60
    // times a second cannot be read, and each change costs a layout); else at once (a scrub,
    // a Step, a click's answer)
    const streaming = inst.chan && inst.chan.open && t0 - (inst.chan.streamAt || -1e9) < STREAM_MS;
    const due = t0 - (inst.slowAt || -1e9) >= 1000 / SLOW_HZ;
    const slow = !streaming || due || inst.sel !== inst.netSel || key !== inst.netKey || ins !== inst.netInside;
    if (!o.show_wrong) inst.wrong = null;
    else if (slow || !inst.wrong) inst.wrong = wrongPoints(spec, inst.points);
    const wrongKey = inst.wrong ? JSON.stringify(inst.wrong) : "";
    const overKey = [key, inst.points && inst.points.key, inst.pending.length, !!o.show_test, !!o.show_flipped, JSON.stringify(marks), wrongKey].join();
    if (overKey !== inst.overKey) {
      inst.marks = paintPoints(inst.over, withPending(inst.points, inst.pending), { dpr, show_test: !!o.show_test, domain: spec.domain, palette: spec.palette, marks, wrong: inst.wrong, flipped: !!o.show_flipped });
      inst.overKey = overKey;
    }
    if (slow) {
      showStatus(inst, spec);
      fitText(inst.info, ins ? insideCaption(ins) : captionText(spec), 11, inst.infoW);
      paintLoss(inst.loss, spec, { dpr, log: !!o.log_loss, recent: !!o.loss_recent });
      if (inst.netOn) { inst.hits = paintNetwork(inst.net, spec, { dpr, sel: inst.sel, color: inst.fg, bg: inst.bg, inside: ins }); inst.labels = inst.hits.labels; }
      inst.slowAt = t0; inst.netSel = inst.sel; inst.netKey = key; inst.netInside = ins;
      clearTimeout(inst.slowLast);
      inst.slowLast = 0;
    } else if (!inst.slowLast) {  // held back: the last state gets its slow repaint soon
      inst.slowLast = setTimeout(() => { inst.slowLast = 0; inst.slowAt = -1e9; schedule(inst); }, 1000 / SLOW_HZ + 5);
    }
  } catch (e) {
    inst.info.textContent = `live view error: ${e.message}`;
    console.error(e);
  }
  const dt = performance.now() - t0;
  stats.paints++; stats.lastPaintMs = dt;
  stats.paintTimes.push(t0);
  if (stats.paintTimes.length > 600) stats.paintTimes.splice(0, 300);
}

/** A session's first run sends the live view alone (ui/page._rest_of_page) and its report
    brings the rest of the page; should that run be lost (seen under load: a report made while
    the first run was still going), ask again, once a second, until the page's hidden wake
    button (drawn with the rest) exists. */
function askForTheRest(inst, tries = 0) {
  if (document.querySelector(".st-key-pg_wake") || tries >= REST_TRIES || !inst.root.isConnected) return;
  if (tries > 0 && !document.querySelector(STREAMLIT_RUNNING)) channelReport(inst, !!inst.chanOk, false, true);
  setTimeout(() => askForTheRest(inst, tries + 1), 1000);
}
const REST_TRIES = 30;

/** Entry point of the st.components.v2 component (called with every new data). */
function mount(component) {
  const { data, parentElement, setStateValue } = component;
  let inst = instances.get(parentElement);
  if (!inst || !inst.root.isConnected) {
    inst = create(parentElement); instances.set(parentElement, inst);
    setTimeout(() => askForTheRest(inst), 1500);
  }
  inst.setState = setStateValue || (() => {});
  hashInst = inst;
  if (!hashWatched) { hashWatched = true; window.addEventListener("hashchange", reportHash); reportHash(); }
  update(inst, data || {});
  return () => setTimeout(() => { if (!inst.root.isConnected) inst.destroy(); }, 1000);
}

const api = { compile, run, gridActs, wrongPoints, forward, mapOut, gridCoords, evalGrid, shade, heat, paintBoundary,
              paintPoints, paintLoss, paintNetwork, hitTest, decodeLosses, mount, stats, ACTS, FEATURES,
              epochText, fixed4, statusText, captionText, describe, num3, insideCaption };
