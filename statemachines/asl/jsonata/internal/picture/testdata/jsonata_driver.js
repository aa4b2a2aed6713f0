// Evaluates JSONata's formatting functions for the differential test.
// Usage: node jsonata_driver.js <path of the jsonata package>
// Reads one JSON request per line: {"id", "fn", "args", "now"}; args are
// bound as $a0, $a1, … (an absent argument is left unbound, so it is
// undefined). Writes one JSON reply per line: {"id", "type", "value"} or
// {"id", "error", "message"}. "now" fixes the evaluation's timestamp.
'use strict';

const RealDate = Date;
let fixedNow = 0;
class FixedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) {
      super(fixedNow);
    } else {
      super(...args);
    }
  }
  static now() {
    return fixedNow;
  }
}
global.Date = FixedDate;

const jsonata = require(process.argv[2]);
const readline = require('readline');

const compiled = new Map();
function expression(fn, arity) {
  const key = fn + '/' + arity;
  if (!compiled.has(key)) {
    const params = [];
    for (let i = 0; i < arity; i++) params.push('$a' + i);
    compiled.set(key, jsonata('$' + fn + '(' + params.join(', ') + ')'));
  }
  return compiled.get(key);
}

function reply(out) {
  process.stdout.write(JSON.stringify(out) + '\n');
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', async (line) => {
  rl.pause();
  const req = JSON.parse(line);
  fixedNow = req.now || 0;
  const bindings = {};
  req.args.forEach((a, i) => {
    if (a !== null) bindings['a' + i] = a;
  });
  try {
    const v = await expression(req.fn, req.args.length).evaluate({}, bindings);
    if (typeof v === 'undefined') {
      reply({ id: req.id, type: 'undefined' });
    } else if (typeof v === 'number') {
      reply({ id: req.id, type: 'number', value: Number.isFinite(v) ? v : String(v) });
    } else {
      reply({ id: req.id, type: typeof v, value: v });
    }
  } catch (e) {
    reply({ id: req.id, error: e.code || e.name || 'Error', message: String(e.message) });
  }
  rl.resume();
});
