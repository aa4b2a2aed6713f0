// reference.js evaluates JSONata expressions with the reference
// implementation (npm jsonata, pinned in .tools/package.json) for the
// differential test of statemachines/asl/jsonata.
//
// It reads one JSON object per line on standard input:
//   {"expr": "...", "input": <any JSON, absent for none>, "bindings": {...}}
// and writes one JSON object per line on standard output:
//   {"result": <JSON text of the result>}  or  {"undefined": true}
//   or {"function": true}  or  {"error": {"code": "...", "token": "...", "message": "..."}}
// in the same order. JSONATA_MODULE overrides where jsonata is loaded from.
'use strict';

const path = require('path');
const readline = require('readline');

const jsonata = require(process.env.JSONATA_MODULE ||
  path.join(__dirname, '..', '..', '.tools', 'node_modules', 'jsonata'));

function isFunction(v) {
  return typeof v === 'function' ||
    (v !== null && typeof v === 'object' && (v._jsonata_function === true || v._jsonata_lambda === true));
}

async function evaluate(req) {
  try {
    const expr = jsonata(req.expr);
    const result = await expr.evaluate(req.input, req.bindings || {});
    if (result === undefined) {
      return { undefined: true };
    }
    if (isFunction(result)) {
      return { function: true };
    }
    return { result: JSON.stringify(result) };
  } catch (err) {
    return {
      error: {
        code: err.code === undefined ? 'JS:' + (err.name || 'Error') : String(err.code),
        token: err.token === undefined ? '' : String(err.token),
        message: String(err.message),
      },
    };
  }
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line === '') {
      continue;
    }
    let out;
    try {
      out = await evaluate(JSON.parse(line));
    } catch (err) {
      out = { error: { code: 'HARNESS', token: '', message: String(err) } };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}

main();
