/* The live channel (ui/channel.py): a playing run's training states over this session's own
   WebSocket, a message of ui/channel.BATCH states per credit. They are shown one per
   animation frame (ch.queue) and the credit goes back when one is left to show, so the next
   message comes as the screen needs it and nothing piles up. If the socket cannot open, the
   view says so once ("channel" state) and the page falls back to its fragment ticks. */
const CHANNEL_CREDIT = 1, CHANNEL_TIMEOUT = 4000, CHANNEL_TRIES = 3, CHANNEL_RETRY = 1500, CHANNEL_QUEUE = 6, CHANNEL_SLOW = 20;
const CHANNEL_UNKNOWN = 4401, CHANNEL_ASKS = 20;  // ui/channel.CLOSE_UNKNOWN
const STREAMLIT_RUNNING = "[data-testid=stStatusWidget] [data-testid=stStatusWidgetRunningIcon], "
  + "[data-testid=stStatusWidgetRunningManIcon]";  // Streamlit's "running" mark
let channelReports = 0, runClicks = 0, runBarOwner = null, timeStale = false;
// the page's run buttons (ui/controls.run_buttons), by the key class Streamlit gives them
const RUN_KEYS = { pg_play: "play", pg_pause: "pause", pg_step: "step", pg_step_p: "step",
                   pg_reset: "reset", pg_reset_p: "reset" };

/** Report the channel's state to the page ({ok, n, stopped, rerun}): the page reruns on each
    new n (`rerun`: the whole page, even when nothing about the channel changed, for a page
    that lacks its rest). A report that says what the last one said is not sent (no rerun
    storms). */
function channelReport(inst, ok, stopped = false, rerun = false) {
  if (!stopped && !rerun && inst.chanOk === ok) return;
  inst.chanOk = ok;
  channelReports = Math.max(channelReports + 1, Date.now());
  inst.setState("channel", { ok, n: channelReports, stopped, rerun });
}

/** Have the whole page run again: a click on the page's hidden wake button (ui/page.py)
    when it is there, else a report that reruns the view's fragment, which reruns the page. */
function askPage(inst, stopped = false) {
  const wake = document.querySelector(".st-key-pg_wake button");
  if (wake && !stopped) { wake.click(); return; }
  channelReport(inst, true, stopped, true);
}

/** Which run button a click is on ("play", "step", ...), or null. */
function runAction(target) {
  const box = target && target.closest ? target.closest("button") : null;
  const keyed = box && box.closest('[class*="st-key-pg_"]');
  if (!keyed || box.disabled) return null;
  for (const c of keyed.classList) if (c.startsWith("st-key-") && RUN_KEYS[c.slice(7)]) return RUN_KEYS[c.slice(7)];
  return null;
}

/** While a socket is open, a run button's click goes over it (capture phase: Streamlit's
    own handler never sees it); otherwise the click is Streamlit's, as before. */
function onRunClick(e) {
  const inst = runBarOwner, ch = inst && inst.chan, a = runAction(e.target);
  if (!a || !ch || !ch.open || ch.ws.readyState !== 1) return;
  e.preventDefault();
  e.stopPropagation();
  runClicks = Math.max(runClicks + 1, Date.now() % 2 ** 30);
  ch.ws.send(JSON.stringify({ t: "do", a, n: runClicks }));
  stats.runSent = (stats.runSent || 0) + 1;
}

function takeRunButtons(inst) {
  if (!runBarOwner) {
    document.addEventListener("click", onRunClick, true);
    document.addEventListener("pointerover", timeHover, true);
    document.addEventListener("focusin", timeHover, true);
  }
  runBarOwner = inst;
}

/** The pointer or the focus came to the time controls after Steps on the socket: their
    fragment runs again (its hidden button), so the slider reaches the latest epoch. */
function timeHover(e) {
  if (!timeStale || !e.target || !e.target.closest || !e.target.closest(".st-key-pg_time")) return;
  const b = document.querySelector(".st-key-pg_time_wake button");
  if (b) { timeStale = false; b.click(); stats.timeSyncs = (stats.timeSyncs || 0) + 1; }
}

function channelSend(ch, n) {
  if (ch.ws && ch.ws.readyState === 1 && n > 0) {
    ch.ws.send(JSON.stringify({ t: "credit", n: Math.min(n, 4) }));
    if (!ch.creditAt) ch.creditAt = performance.now();
  }
}

/** Open (or keep) the session's socket; `info` is {url, token} from the page, or null. */
function connect(inst, info) {
  const c = inst.chan;
  if (!info || !info.token) { if (c) closeChannel(c); inst.chan = null; return; }
  if (c && c.token === info.token && (c.failed || (c.ws && c.ws.readyState <= 1))) return;
  if (c) closeChannel(c);
  const ch = { token: info.token, url: info.url, ws: null, base: null, open: false, failed: false, owed: 0, queue: [],
               tries: c && c.token === info.token ? c.tries : 0 };
  inst.chan = ch;
  openSocket(inst, ch);
}

function closeChannel(ch) {
  clearTimeout(ch.retry);
  if (ch.ws) { ch.ws.onclose = null; ch.ws.close(); }
}

function openSocket(inst, ch) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}${ch.url}?token=${encodeURIComponent(ch.token)}`;
  let ws;
  try { ws = new WebSocket(url); } catch (e) { channelFailed(inst, ch); return; }
  ch.ws = ws;
  const timer = setTimeout(() => { if (!ch.open) ws.close(); }, CHANNEL_TIMEOUT);
  ws.onopen = () => {
    clearTimeout(timer);
    Object.assign(ch, { open: true, tries: 0, base: null });
    stats.channel = "open";
    takeRunButtons(inst);
    channelSend(ch, CHANNEL_CREDIT);
    channelReport(inst, true);
  };
  ws.onmessage = (e) => channelFrame(inst, ch, e.data);
  ws.onclose = (e) => {
    clearTimeout(timer);
    const was = ch.open;
    ch.open = false;
    if (inst.chan !== ch) return;
    if (e && e.code === CHANNEL_UNKNOWN) { sessionLost(inst, ch); return; }
    if (was) channelReport(inst, false);  // the page ticks again until the socket is back
    channelFailed(inst, ch);
  };
}

/** The server does not know this session (it restarted, or the session expired): ask the
    page to run again, which rebuilds the run from the link and sends a new token. Streamlit
    reconnects on its own but reruns only if it was running something, so the view asks,
    once a second until the new token comes (an ask made before Streamlit is back is lost). */
function sessionLost(inst, ch) {
  ch.failed = true;
  stats.channel = "off";
  let asks = 0;
  const ask = () => {
    if (inst.chan !== ch || asks >= CHANNEL_ASKS) return;
    // while the page runs (the ask got through), a new ask would only interrupt that run
    if (!document.querySelector(STREAMLIT_RUNNING)) { asks += 1; askPage(inst); }
    stats.asks = asks;
    ch.retry = setTimeout(ask, 1000);
  };
  ask();
}

/** A socket that would not open or went away: try again a few times, then stay on the
    page's fragment path (quietly: the view works the same, only through Streamlit). */
function channelFailed(inst, ch) {
  ch.tries += 1;
  if (ch.tries < CHANNEL_TRIES) { ch.retry = setTimeout(() => { if (inst.chan === ch) openSocket(inst, ch); }, CHANNEL_RETRY); return; }
  ch.failed = true;
  stats.channel = "off";
  channelReport(inst, false);
}

/** A message's training states as specs to paint, oldest first: a full frame's (its
    snapshots, then itself: `states`), or the weight states "ss" then "s", each merged into
    the last full frame (as a playback snapshot is). */
function channelStates(ch, m) {
  if (m.t === "full" && m.spec) { ch.base = m.spec; return states(m.spec, null); }
  const B = ch.base, S = [...(Array.isArray(m.ss) ? m.ss : []), m.s];
  if (!B) return [];
  return S.filter((s) => s && Array.isArray(s.W)).map((s) => ({ ...B, ...s, layers: B.layers.map((L, l) => ({ ...L, W: s.W[l] })) }));
}

/** One message: its states join the queue the animation frames take one at a time (a
    click's answer replaces the queue: it is shown at once); its credit is owed back. */
function channelFrame(inst, ch, text) {
  let m;
  try { m = JSON.parse(text); } catch (e) { return; }
  // a streamed message: its credit is owed back (a click's answer came without one)
  if (!m.did) {
    const now = performance.now();
    ch.owed += 1; ch.streamAt = now;
    // how long the server takes to answer a credit (its training, the trip): the running mean
    // (a credit that waited for Play says nothing about it)
    const rt = ch.creditAt ? now - ch.creditAt : null;
    if (rt !== null && rt < 500) ch.rt = ch.rt ? ch.rt + 0.2 * (rt - ch.rt) : rt;
    ch.creditAt = 0;
  }
  stats.channelFrames = (stats.channelFrames || 0) + 1;
  const specs = channelStates(ch, m), Q = ch.queue, at = typeof m.at === "number" ? m.at : null;
  if (specs.length) {
    if (inst.play) stats.skipped += inst.play.specs.length - inst.play.next;
    inst.play = null;
    if (m.did) {
      stats.skipped += Q.length; Q.length = 0;
      inst.slowAt = -1e9;  // a click's answer: texts, chart and diagram at once too
    }
    for (const spec of specs) Q.push({ spec, at });
    while (Q.length > CHANNEL_QUEUE) { Q.shift(); stats.skipped += 1; }  // never more than two messages' worth
    schedule(inst);
  } else {
    channelCredit(inst);
  }
  if (m.did) { stats.runDone = (stats.runDone || 0) + 1; stats.lastRun = m.did; }
  if (m.stopped || m.rerun || (m.did && m.did.rerun)) askPage(inst, !!m.stopped);
  // Steps answered here leave the time slider (ui/timeline.py) at the epoch of the last page
  // run: it catches up when the pointer or the focus comes to it (`timeHover`), not after
  // every Step (a fragment run per Step made 16 stepping visitors' clicks take 5 s, p95)
  else if (m.did && m.did.a === "step") timeStale = true;
}

/** The next queued state, when there is one: it becomes the state to paint, and its lag
    (made on the server → painted here, benchmarks/browser.py) is counted. */
function channelNext(inst) {
  const Q = inst.chan && inst.chan.queue;
  if (!Q || !Q.length) return false;
  const q = Q.shift();
  inst.spec = q.spec;
  if (q.at !== null) {
    stats.channelLags.push(Date.now() - q.at * 1000);
    if (stats.channelLags.length > 600) stats.channelLags.splice(0, 300);
  }
  return true;
}

/** After a paint: once at most one state is left to show, the credits of the messages that
    came since the last one (the next message then has two display frames to arrive); two
    left when the server takes longer than CHANNEL_SLOW ms to answer (a "max" speed run
    trains for its whole budget, a busy server), so the screen still gets a state a frame. */
function channelCredit(inst) {
  const ch = inst.chan, left = ch && ch.rt > CHANNEL_SLOW ? 2 : 1;
  if (ch && ch.owed && !(ch.queue && ch.queue.length > left)) { channelSend(ch, ch.owed); ch.owed = 0; }
}
