/* The point tools (ui/points.py): clicks on the boundary that add or erase points. */
const EDIT_QUEUE = 8;  // ui/canvas.MAX_EDITS

/** A mouse event's place on the boundary in data coordinates, or null. */
function dataXY(inst, e) {
  const r = inst.heat.getBoundingClientRect(), D = (inst.spec && inst.spec.domain) || 6;
  if (!(r.width > 0 && r.height > 0)) return null;
  return { x: clamp(-D + (2 * D * (e.clientX - r.left)) / r.width, -D, D), y: clamp(D - (2 * D * (e.clientY - r.top)) / r.height, -D, D) };
}

/** With a point tool on (opts.edit: {mode "add" | "erase", value, classes, test}), a click on
    the boundary adds a point of the chosen class (shift: the other one of two) or target, a
    right-click or the eraser removes the nearest point: the "edit" state {ops: the last
    EDIT_QUEUE clicks, each {op, x, y, v, test, n}} (the page applies those it has not seen). An added point is drawn at once (`pending`) until the page sends the new points. */
function edited(inst, e, erase) {
  const ed = inst.opts.edit, p = dataXY(inst, e);
  if (!ed || !ed.mode || !p) return false;
  const op = erase || ed.mode === "erase" ? "erase" : "add";
  let v = ed.value;
  if (op === "add" && e.shiftKey && ed.classes === 2) v = 1 - v;
  // the last clicks, not only the last one: two clicks before the page's run would be one
  inst.edits = [...inst.edits.slice(-(EDIT_QUEUE - 1)), { op, x: p.x, y: p.y, v, test: !!ed.test, n: click() }];
  inst.setState("edit", { ops: inst.edits });
  if (op === "add") { inst.pending.push({ x: p.x, y: p.y, v, test: !!ed.test }); schedule(inst); }
  stats.edits = (stats.edits || 0) + 1;
  return true;
}

/** The points with the clicks not yet answered by the page. */
function withPending(points, pending) {
  if (!points || !pending.length) return points;
  const add = (S, test) => {
    if (!S) return S;
    const mine = pending.filter((q) => q.test === test);
    return { x: S.x.concat(mine.map((q) => q.x)), y: S.y.concat(mine.map((q) => q.y)), label: S.label.concat(mine.map((q) => q.v)) };
  };
  return { ...points, train: add(points.train, false), test: add(points.test, true) };
}
