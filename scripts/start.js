#!/usr/bin/env node
// `npm start`: the whole system on this machine (services from their production builds, on the
// embedded defaults unless <APP>_DATABASE_URL / REDIS_URL are set, behind nginx when it is
// installed). `npm start -- --replicas 2` runs two of each (needs server databases). Ctrl-C or
// closing the terminal stops all; a second Ctrl-C kills at once. A service that dies stops all.
'use strict';
const { existsSync } = require('node:fs');

// As the services do (libs/bootstrap): `.env` of the working directory, the real environment winning.
if (existsSync('.env')) process.loadEnvFile('.env');

const { chooseLogFormat, createLogFormatter } = require('./log-format');
const { startStack } = require('./stack');
const { onStopSignals } = require('./stop-signals');

const args = process.argv.slice(2);
const replicasFlag = args.indexOf('--replicas');
const replicas = replicasFlag >= 0 ? Number(args[replicasFlag + 1]) : undefined;
const quiet = args.includes('--quiet');

const processes = new Set();
const alive = (child) => child.exitCode === null && child.signalCode === null;
const abort = new AbortController();
let stack;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  abort.abort();
  await starting.catch(() => undefined);
  await stack?.stop();
  process.exit(code);
}

/** SIGKILL to each process group started (nginx's workers are in its group); resolves once they are gone. */
function killAll() {
  const running = [...processes].filter(alive);
  const gone = Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2000))]);
}

function stopOnCrash(child, format) {
  const report = (code, signal) => {
    if (stopping) return;
    const last = child.tail().trim();
    const lines = last
      ? `\nIts last log lines:\n${last
          .split('\n')
          .map((line) => format(child.label, line))
          .join('\n')}`
      : '';
    console.error(`\n${child.label} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}); stopping everything.${lines}`);
    // A failure to stop surfaces as an unhandled rejection, which ends the runner too.
    void shutdown(1);
  };
  if (!alive(child)) return report(child.exitCode, child.signalCode);
  child.once('exit', (code, signal) => {
    // Its last lines may still be on their way through the pipe when the process has ended.
    const timer = setTimeout(() => report(code, signal), 1000);
    child.once('close', () => (clearTimeout(timer), report(code, signal)));
  });
}

let format;
try {
  format = createLogFormatter(chooseLogFormat(process.env, process.stdout));
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
onStopSignals({ stop: () => shutdown(0), kill: () => killAll().then(() => process.exit(1)) });
// Whatever ends this process ends the processes it started: at 'exit' only killAll's synchronous
// SIGKILLs run, nothing waits for the promise.
process.on('exit', () => void killAll());

console.log('Starting user, order and payment services…');
const starting = startStack({
  replicas,
  detached: true,
  signal: abort.signal,
  onSpawn: (child) => processes.add(child),
  progress: (message) => console.log(`✔ ${message}`),
  log: (label, line) => !quiet && process.stdout.write(`${format(label, line)}\n`),
}).then((started) => (stack = started));

starting.then(
  () => {
    if (stopping) return;
    for (const child of stack.children) {
      stopOnCrash(child, format);
    }
    const base = stack.gateway?.url;
    console.log('\nThe system is up.');
    if (base) {
      console.log(`  gateway      ${base}  (TLS: ${stack.gateway.tlsUrl})`);
      console.log(`  all docs     ${base}/docs/`);
    }
    for (const [app, instances] of Object.entries(stack.instances)) {
      const prefix = instances[0].prefix;
      console.log(`  ${app.padEnd(12)} ${base ?? instances[0].url}/${prefix}/docs`);
    }
    console.log('\nPress Ctrl-C to stop.');
  },
  async (error) => {
    if (stopping) return;
    console.error(error.message);
    await shutdown(1);
  },
);
