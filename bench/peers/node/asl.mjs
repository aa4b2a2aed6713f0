// The aws-local-stepfunctions side of the interpreter rows: the same
// definitions, inputs and expected outputs as the Go worker (interp.go),
// run with the same number of executions in flight, printing the same
// one line of JSON: {"ops", "seconds", "cpuSeconds"}.
//
//   node asl.mjs WORKLOAD [-duration 5s] [-warmup 2s] [-concurrency 64] [-testdata DIR]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { StateMachine } from 'aws-local-stepfunctions';

const taskNames = ['Validate', 'Persist', 'Publish', 'Fold'];
const functionARN = (task) => `arn:aws:lambda:us-east-1:000000000000:function:peers-${task}`;

function parseArgs(argv) {
  const cfg = { workload: argv[0], duration: 5, warmup: 2, concurrency: 64, testdata: 'testdata' };
  for (let i = 1; i < argv.length; i += 2) {
    const [name, value] = [argv[i].replace(/^-+/, ''), argv[i + 1]];
    if (value === undefined) throw new Error(`flag ${argv[i]} needs a value`);
    if (name === 'duration' || name === 'warmup') cfg[name] = seconds(value);
    else if (name === 'concurrency') cfg.concurrency = Number(value);
    else if (name === 'testdata') cfg.testdata = value;
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  if (!(cfg.duration > 0) || !(cfg.warmup >= 0) || !(cfg.concurrency >= 1)) throw new Error('bad -duration, -warmup or -concurrency');
  return cfg;
}

// seconds reads a Go duration of one unit: 500ms, 2s, 1m.
function seconds(text) {
  const m = /^([\d.]+)(ms|s|m)$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2]];
}

const readJSON = (path) => JSON.parse(readFileSync(path, 'utf8'));

// substitute replaces ${Name} as asl.Parse does.
function substitute(text, subs) {
  return text.replace(/\$\{(\w+)\}/g, (all, name) => (name in subs ? subs[name] : all));
}

// lambdaEnvelope is what the optimized lambda:invoke integration returns
// on AWS around a function's payload; aws-local-stepfunctions calls the
// local handler in its place, so the harness builds it. The payload is
// parsed from its JSON text on every call, as a Lambda client would.
let requestCount = 0;
function lambdaEnvelope(payloadText) {
  const id = `00000000-0000-4000-8000-${String(++requestCount).padStart(12, '0')}`;
  const headers = { Connection: 'keep-alive', 'Content-Length': String(payloadText.length), 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': id };
  const all = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  return {
    ExecutedVersion: '$LATEST',
    Payload: JSON.parse(payloadText),
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: headers, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: id },
    StatusCode: 200,
  };
}

function accountCase(testdata) {
  const fx = readJSON(join(testdata, 'account.json'));
  const subs = { DeadLetterQueueUrl: 'http://127.0.0.1/000000000000/peers-dlq' };
  const handlers = {};
  for (const t of taskNames) {
    subs[`${t}FunctionArn`] = functionARN(t);
    const text = JSON.stringify(fx.tasks[t]);
    handlers[t] = () => lambdaEnvelope(text);
  }
  handlers.SendToDeadLetterQueue = () => {
    throw new Error('the execution reached the dead-letter queue');
  };
  const text = readFileSync(join(testdata, '..', '..', '..', 'statemachines', 'pipeline.asl.json'), 'utf8');
  return { definition: JSON.parse(substitute(text, subs)), input: fx.input, output: fx.output, handlers };
}

function choiceCase(testdata) {
  return { definition: readJSON(join(testdata, 'choice10.asl.json')), input: { n: 10 }, output: { n: 10 }, handlers: {} };
}

function mapCase(testdata) {
  const items = Array.from({ length: 100 }, (_, n) => ({ n }));
  return { definition: readJSON(join(testdata, 'map100.asl.json')), input: { items }, output: items.map(({ n }) => ({ v: n })), handlers: {} };
}

const cases = { account: accountCase, choice10: choiceCase, map100: mapCase };

async function main() {
  const cfg = parseArgs(process.argv.slice(2));
  const load = cases[cfg.workload];
  if (!load) throw new Error(`no workload ${cfg.workload}`);
  const c = load(cfg.testdata);
  const machine = new StateMachine(c.definition);
  const options = { overrides: { taskResourceLocalHandlers: c.handlers } };
  const once = async () => {
    const out = await machine.run(c.input, options).result;
    if (!isDeepStrictEqual(out, c.output)) throw new Error(`output ${JSON.stringify(out)}, want ${JSON.stringify(c.output)}`);
  };
  await once();
  // The executions run on promises alone, so a timer would not fire until
  // they stop: each loop reads the clock after every execution instead.
  const w = { t0: performance.now() + cfg.warmup * 1000, ops: 0 };
  w.t1 = w.t0 + cfg.duration * 1000;
  const loop = async () => {
    for (;;) {
      await once();
      const now = performance.now();
      if (now >= w.t1) {
        if (w.end === undefined) w.end = { now, cpu: process.cpuUsage(w.cpu0) };
        return;
      }
      if (now >= w.t0) {
        if (w.cpu0 === undefined) [w.cpu0, w.start] = [process.cpuUsage(), now];
        w.ops++;
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.concurrency }, loop));
  const cpu = w.end.cpu;
  process.stdout.write(JSON.stringify({ ops: w.ops, seconds: (w.end.now - w.start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`asl.mjs: ${err.stack || err}\n`);
  process.exit(1);
});
