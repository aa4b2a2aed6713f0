"use strict";
// The stepfold console. Everything comes from the Step Functions API on the
// same origin; nothing is fetched from elsewhere.

const SVG = "http://www.w3.org/2000/svg";
const NODE_W = 170, NODE_H = 36, LAYER_GAP = 64, COL_GAP = 36, MARGIN = 30;
// A Parallel state is a box with its name in a title bar above its branches.
const BOX_TITLE = 28, BOX_PAD = 16, BACK_MARGIN = 40;

async function sfn(op, body) {
  const res = await fetch("/", {
    method: "POST",
    headers: { "X-Amz-Target": "AWSStepFunctions." + op, "Content-Type": "application/x-amz-json-1.0" },
    body: JSON.stringify(body || {}),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(op + ": " + (data.__type || res.status) + ": " + (data.message || ""));
  return data;
}

function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const fmtTime = (s) => (s ? new Date(s * 1000).toLocaleString() : "");
function fmtDuration(start, stop) {
  if (!start || !stop) return "";
  const ms = Math.round((stop - start) * 1000);
  return ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(2) + " s";
}
function pretty(text) {
  if (text === undefined || text === null) return "";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (_) { return String(text); }
}
function showError(err) {
  const p = document.getElementById("error");
  p.textContent = String(err.message || err);
  p.hidden = false;
}

// machines are the server's state machines, one per domain; the list
// shows the one the picker names.
let machines = null;

async function loadMachines() {
  if (machines) return machines;
  const list = await sfn("ListStateMachines");
  if (!list.stateMachines || list.stateMachines.length === 0) throw new Error("no state machines");
  machines = list.stateMachines;
  const pick = document.getElementById("machine");
  pick.replaceChildren(...machines.map((m) => el("option", { value: m.stateMachineArn }, m.name + " (" + m.type + ")")));
  pick.addEventListener("change", () => { location.hash = "#/machine/" + encodeURIComponent(pick.value); });
  return machines;
}

// pickMachine selects the machine of arn in the picker, or the first.
async function pickMachine(arn) {
  const ms = await loadMachines();
  const m = ms.find((x) => x.stateMachineArn === arn) || ms[0];
  document.getElementById("machine").value = m.stateMachineArn;
  return m;
}

async function showList(arn) {
  document.getElementById("detail-view").hidden = true;
  document.getElementById("list-view").hidden = false;
  const m = await pickMachine(arn);
  const out = await sfn("ListExecutions", { stateMachineArn: m.stateMachineArn, maxResults: 100 });
  const tbody = document.querySelector("#executions tbody");
  tbody.replaceChildren();
  for (const ex of out.executions || []) {
    const tr = el("tr", { "data-execution-arn": ex.executionArn, "data-status": ex.status, class: "execution" });
    const a = el("a", { href: "#/execution/" + encodeURIComponent(ex.executionArn) }, ex.name);
    const name = el("td"); name.append(a);
    tr.append(name, el("td", { class: "status " + ex.status }, ex.status),
      el("td", {}, fmtTime(ex.startDate)), el("td", {}, fmtDuration(ex.startDate, ex.stopDate)));
    tbody.append(tr);
  }
  document.getElementById("list-empty").hidden = (out.executions || []).length > 0;
}

// transitions lists the named targets a state can go to, with their kind.
function transitions(st) {
  const out = [];
  if (st.Next) out.push(st.Next);
  for (const c of st.Choices || []) if (c.Next) out.push(c.Next);
  if (st.Default) out.push(st.Default);
  for (const c of st.Catch || []) if (c.Next) out.push(c.Next);
  return [...new Set(out)];
}

// allStates maps every state name to its state, those in the branches of
// Parallel states included: names are unique across a state machine.
function allStates(graph, out = {}) {
  for (const [name, st] of Object.entries(graph.States)) {
    out[name] = st;
    for (const b of st.Branches || []) allStates(b, out);
  }
  return out;
}

// layout places a graph's states in layers by their longest forward path
// from StartAt; edges back to an ancestor are drawn around the right. A
// Parallel state is a box that holds its branches side by side, each laid
// out the same way. It returns every state's box ({x, y, w, h}, nested
// ones included) and the edges of every scope.
function layout(graph) {
  const states = graph.States, order = [], back = new Set(), onStack = new Set(), seen = new Set();
  (function dfs(name) {
    seen.add(name); onStack.add(name); order.push(name);
    for (const t of transitions(states[name])) {
      if (!states[t]) continue;
      if (onStack.has(t)) back.add(name + "->" + t);
      else if (!seen.has(t)) dfs(t);
    }
    onStack.delete(name);
  })(graph.StartAt);
  for (const name of Object.keys(states)) if (!seen.has(name)) order.push(name);
  const layer = {};
  for (const n of order) layer[n] = 0;
  for (let changed = true, guard = 0; changed && guard < order.length + 2; guard++) {
    changed = false;
    for (const n of order) for (const t of transitions(states[n])) {
      if (!states[t] || back.has(n + "->" + t)) continue;
      if (layer[t] < layer[n] + 1) { layer[t] = layer[n] + 1; changed = true; }
    }
  }
  const layers = [];
  for (const n of order) (layers[layer[n]] = layers[layer[n]] || []).push(n);
  // A state with an edge back up goes rightmost in its layer, so that the
  // edge, drawn around the right, crosses no state.
  const goesBack = (n) => transitions(states[n]).some((t) => back.has(n + "->" + t));
  for (const l of layers) if (l) l.sort((a, b) => goesBack(a) - goesBack(b));
  const inner = {}, size = {};
  for (const n of order) {
    const st = states[n];
    if (st.Type === "Parallel" && st.Branches && st.Branches.length) {
      inner[n] = st.Branches.map(layout);
      size[n] = {
        w: inner[n].reduce((w, b) => w + b.width, 0) + COL_GAP * (inner[n].length - 1) + 2 * BOX_PAD,
        h: BOX_TITLE + Math.max(...inner[n].map((b) => b.height)) + BOX_PAD,
      };
    } else size[n] = { w: NODE_W, h: NODE_H };
  }
  const rowWidth = (names) => names.reduce((w, n) => w + size[n].w, 0) + COL_GAP * (names.length - 1);
  const width = Math.max(...layers.map((l) => (l ? rowWidth(l) : 0)));
  const pos = {}, edges = [];
  let y = 0;
  for (const names of layers) {
    if (!names) continue;
    let x = (width - rowWidth(names)) / 2;
    for (const n of names) {
      pos[n] = { x, y, w: size[n].w, h: size[n].h };
      x += size[n].w + COL_GAP;
    }
    y += Math.max(...names.map((n) => size[n].h)) + LAYER_GAP;
  }
  const margin = back.size ? BACK_MARGIN : 0;
  for (const n of order) for (const t of transitions(states[n])) {
    if (states[t]) edges.push({ from: n, to: t, back: back.has(n + "->" + t), right: width });
  }
  for (const [n, branches] of Object.entries(inner)) {
    let x = pos[n].x + BOX_PAD;
    for (const b of branches) {
      for (const [m, p] of Object.entries(b.pos)) pos[m] = { ...p, x: p.x + x, y: p.y + pos[n].y + BOX_TITLE };
      for (const e of b.edges) edges.push({ ...e, right: e.right + x });
      x += b.width + COL_GAP;
    }
  }
  return { pos, edges, width: width + margin, height: y - LAYER_GAP };
}

// visits reads the history into what happened to each state. types maps
// state names to their types.
function visits(events, execStatus, types) {
  const byState = {}, taken = new Set(), open = {};
  let cur = null, parallel = null, lastExited = null;
  for (const e of events) {
    const t = e.type;
    if (t.endsWith("StateEntered")) {
      const d = e.stateEnteredEventDetails;
      // A Fail state ends its scope at once; that anything runs after it
      // means a Parallel state retried or caught what it raised.
      for (const [n, v] of Object.entries(open)) if (types[n] === "Fail") { v.caught = true; delete open[n]; }
      if (lastExited) taken.add(lastExited + "->" + d.name);
      cur = { name: d.name, entered: e.timestamp, input: d.input, scheduled: 0, errors: [], lastFailed: false };
      (byState[d.name] = byState[d.name] || []).push(cur);
      open[d.name] = cur;
      if (types[d.name] === "Parallel") parallel = cur;
    } else if (t.endsWith("StateExited")) {
      const d = e.stateExitedEventDetails, v = open[d.name];
      if (v) { v.exited = e.timestamp; v.output = d.output; delete open[d.name]; }
      lastExited = d.name;
    } else if (t === "ParallelStateStarted" && parallel) {
      parallel.scheduled++;
    } else if ((t === "TaskScheduled" || t === "LambdaFunctionScheduled") && cur) {
      cur.scheduled++;
    } else if (/(TaskFailed|TaskTimedOut|LambdaFunctionFailed|LambdaFunctionTimedOut)$/.test(t) && cur) {
      const d = e.taskFailedEventDetails || e.taskTimedOutEventDetails || e.lambdaFunctionFailedEventDetails || e.lambdaFunctionTimedOutEventDetails || {};
      cur.errors.push({ error: d.error, cause: d.cause }); cur.lastFailed = true;
    } else if ((t === "TaskSucceeded" || t === "LambdaFunctionSucceeded") && cur) {
      cur.lastFailed = false;
    } else if (t === "ExecutionFailed" && cur && !cur.exited) {
      const d = e.executionFailedEventDetails || {};
      cur.failedAt = e.timestamp;
      if (cur.errors.length === 0) cur.errors.push({ error: d.error, cause: d.cause });
    }
  }
  const status = {};
  for (const [name, vs] of Object.entries(byState)) {
    const v = vs[vs.length - 1];
    if (v.exited) status[name] = v.lastFailed ? "caught" : "succeeded";
    else if (v.caught) status[name] = "caught";
    else status[name] = execStatus === "RUNNING" ? "running" : "failed";
  }
  return { byState, status, taken };
}

function edgePath(a, b, isBack, right) {
  const x1 = a.x + a.w / 2, y1 = a.y + a.h, x2 = b.x + b.w / 2, y2 = b.y;
  if (isBack) {
    const xr = right + 24;
    return `M${a.x + a.w},${a.y + a.h / 2} C${xr},${a.y + a.h / 2} ${xr},${b.y + b.h / 2} ${b.x + b.w},${b.y + b.h / 2}`;
  }
  const my = (y1 + y2) / 2;
  return `M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}`;
}

// stateTypes maps every state's name to its type.
function stateTypes(def) {
  return Object.fromEntries(Object.entries(allStates(def)).map(([n, st]) => [n, st.Type]));
}

function drawGraph(def, hist, types) {
  const svg = document.getElementById("graph");
  svg.replaceChildren();
  const { pos, edges, width, height } = layout(def);
  const w = width + 2 * MARGIN, h = height + 2 * MARGIN;
  svg.setAttribute("width", w); svg.setAttribute("height", h);
  svg.setAttribute("viewBox", `${-MARGIN} ${-MARGIN} ${w} ${h}`);
  const defs = el("svg:defs");
  const marker = el("svg:marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
  marker.append(el("svg:path", { d: "M0,0 L10,5 L0,10 z", fill: "#545b64" }));
  defs.append(marker); svg.append(defs);
  const drawState = (name) => {
    const p = pos[name], box = types[name] === "Parallel";
    const status = hist.status[name] || "notrun";
    const g = el("svg:g", { class: "state " + status + (box ? " parallel" : ""), "data-state": name, "data-status": status, transform: `translate(${p.x},${p.y})` });
    g.append(el("svg:rect", { width: p.w, height: p.h, rx: 6 }), el("svg:text", { x: p.w / 2, y: box ? BOX_TITLE / 2 : p.h / 2 }, name));
    g.addEventListener("click", () => selectState(name, hist));
    svg.append(g);
  };
  // Parallel boxes first, the largest first, then the edges, then the
  // other states, so that each lies on what holds it.
  const names = Object.keys(pos), isBox = (n) => types[n] === "Parallel";
  names.filter(isBox).sort((a, b) => pos[b].w * pos[b].h - pos[a].w * pos[a].h).forEach(drawState);
  for (const e of edges) {
    const key = e.from + "->" + e.to;
    svg.append(el("svg:path", { d: edgePath(pos[e.from], pos[e.to], e.back, e.right), class: "edge" + (hist.taken.has(key) ? " taken" : ""), "marker-end": "url(#arrow)", "data-edge": key }));
  }
  names.filter((n) => !isBox(n)).forEach(drawState);
}

function selectState(name, hist) {
  document.querySelectorAll("g.state").forEach((g) => g.classList.toggle("selected", g.dataset.state === name));
  const vs = hist.byState[name] || [];
  const v = vs[vs.length - 1];
  document.getElementById("state-name").textContent = name;
  const info = document.getElementById("state-info");
  info.replaceChildren();
  const add = (k, val) => { info.append(el("dt", {}, k), el("dd", { "data-field": k }, val)); };
  add("Status", hist.status[name] || "not run");
  if (v) {
    add("Entered", fmtTime(v.entered));
    add("Duration", fmtDuration(v.entered, v.exited || v.failedAt) || "-");
    add("Times entered", String(vs.length));
    add("Retries", String(vs.reduce((n, x) => n + Math.max(0, x.scheduled - 1), 0)));
    const errs = vs.flatMap((x) => x.errors);
    add("Error", errs.length ? errs.map((e) => e.error + (e.cause ? ": " + e.cause : "")).join("\n") : "-");
  }
  document.getElementById("state-input").textContent = v ? pretty(v.input) : "";
  document.getElementById("state-output").textContent = v ? pretty(v.output) : "";
}

async function showExecution(arn) {
  document.getElementById("list-view").hidden = true;
  document.getElementById("detail-view").hidden = false;
  const ex = await sfn("DescribeExecution", { executionArn: arn });
  const m = await pickMachine(ex.stateMachineArn);
  const sm = await sfn("DescribeStateMachine", { stateMachineArn: m.stateMachineArn });
  document.getElementById("back").href = "#/machine/" + encodeURIComponent(m.stateMachineArn);
  const events = [];
  let token;
  do {
    const page = await sfn("GetExecutionHistory", { executionArn: arn, maxResults: 1000, nextToken: token });
    events.push(...page.events); token = page.nextToken;
  } while (token);
  document.getElementById("exec-name").textContent = ex.name;
  const sum = document.getElementById("exec-summary");
  sum.replaceChildren();
  const add = (k, v, cls) => sum.append(el("dt", {}, k), el("dd", cls ? { class: cls, id: "exec-status" } : {}, v));
  add("Status", ex.status, "status " + ex.status);
  add("Execution ARN", ex.executionArn);
  add("Started", fmtTime(ex.startDate));
  add("Duration", fmtDuration(ex.startDate, ex.stopDate));
  if (ex.error) add("Error", ex.error + (ex.cause ? ": " + ex.cause : ""));
  const def = JSON.parse(sm.definition), types = stateTypes(def);
  const hist = visits(events, ex.status, types);
  drawGraph(def, hist, types);
  const last = events.filter((e) => e.type.endsWith("StateEntered")).pop();
  selectState(last ? last.stateEnteredEventDetails.name : def.StartAt, hist);
}

async function route() {
  document.getElementById("error").hidden = true;
  const ex = location.hash.match(/^#\/execution\/(.+)$/);
  const sm = location.hash.match(/^#\/machine\/(.+)$/);
  try {
    if (ex) await showExecution(decodeURIComponent(ex[1]));
    else await showList(sm ? decodeURIComponent(sm[1]) : undefined);
    document.body.dataset.ready = "true";
  } catch (err) { showError(err); }
}

window.addEventListener("hashchange", () => { document.body.dataset.ready = "false"; route(); });
document.getElementById("refresh").addEventListener("click", route);
route();
