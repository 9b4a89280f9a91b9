/* The live channel (ui/channel.py): a playing run's training states over this session's own
   WebSocket, one per credit; one credit goes back after each paint, so frames come as fast as
   the screen paints them and never pile up. If the socket cannot open, the view says so once
   ("channel" state) and the page falls back to its fragment ticks. */
const CHANNEL_CREDIT = 2, CHANNEL_TIMEOUT = 4000, CHANNEL_TRIES = 3, CHANNEL_RETRY = 1500;
let channelReports = 0;

/** Report the channel's state to the page ({ok, n, stopped}): the page reruns on each new n.
    A report that says what the last one said is not sent (no rerun storms). */
function channelReport(inst, ok, stopped = false) {
  if (!stopped && inst.chanOk === ok) return;
  inst.chanOk = ok;
  channelReports = Math.max(channelReports + 1, Date.now());
  inst.setState("channel", { ok, n: channelReports, stopped });
}

function channelSend(ch, n) {
  if (ch.ws && ch.ws.readyState === 1 && n > 0) ch.ws.send(JSON.stringify({ t: "credit", n: Math.min(n, 4) }));
}

/** Open (or keep) the session's socket; `info` is {url, token} from the page, or null. */
function connect(inst, info) {
  const c = inst.chan;
  if (!info || !info.token) { if (c) closeChannel(c); inst.chan = null; return; }
  if (c && c.token === info.token && (c.failed || (c.ws && c.ws.readyState <= 1))) return;
  if (c) closeChannel(c);
  const ch = { token: info.token, url: info.url, ws: null, base: null, open: false, failed: false, owed: 0,
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
    channelSend(ch, CHANNEL_CREDIT);
    channelReport(inst, true);
  };
  ws.onmessage = (e) => channelFrame(inst, ch, e.data);
  ws.onclose = () => {
    clearTimeout(timer);
    const was = ch.open;
    ch.open = false;
    if (inst.chan !== ch) return;
    if (was) channelReport(inst, false);  // the page ticks again until the socket is back
    channelFailed(inst, ch);
  };
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

/** One frame: a full spec, or a weight state merged into the last full one (as a playback
    snapshot is); shown on the next animation frame, its credit returned after the paint. */
function channelFrame(inst, ch, text) {
  let m;
  try { m = JSON.parse(text); } catch (e) { return; }
  ch.owed += 1;
  stats.channelFrames = (stats.channelFrames || 0) + 1;
  if (m.t === "full" && m.spec) ch.base = m.spec;
  const B = ch.base, spec = m.t === "full" ? m.spec
    : (B && m.s && m.s.W ? { ...B, ...m.s, layers: B.layers.map((L, l) => ({ ...L, W: m.s.W[l] })) } : null);
  if (spec) {
    if (inst.play) stats.skipped += inst.play.specs.length - inst.play.next;
    inst.play = null;
    if (inst.spec && inst.spec !== inst.shown) stats.skipped += 1;  // replaced before it was painted
    inst.spec = spec;
    if (typeof m.at === "number") {  // made on the server → received here (benchmarks/browser.py)
      stats.channelLags.push(Date.now() - m.at * 1000);
      if (stats.channelLags.length > 600) stats.channelLags.splice(0, 300);
    }
    schedule(inst);
  } else {
    channelCredit(inst);
  }
  if (m.stopped) channelReport(inst, true, true);
}

/** After a paint: the credits of every frame that arrived since the last one. */
function channelCredit(inst) {
  const ch = inst.chan;
  if (ch && ch.owed) { channelSend(ch, ch.owed); ch.owed = 0; }
}
