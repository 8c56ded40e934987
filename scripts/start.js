#!/usr/bin/env node
// `npm start`: the whole system on this machine (services from their production builds, on the
// embedded defaults unless <APP>_DATABASE_URL / REDIS_URL are set, behind nginx when it is
// installed). `npm start -- --replicas 2` runs two of each (needs server databases). Ctrl-C stops all.
'use strict';
const { startStack } = require('./stack');

const args = process.argv.slice(2);
const replicasFlag = args.indexOf('--replicas');
const replicas = replicasFlag >= 0 ? Number(args[replicasFlag + 1]) : undefined;
const quiet = args.includes('--quiet');

let stack;
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await stack?.stop();
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

(async () => {
  console.log('Starting user, order and payment services…');
  stack = await startStack({
    replicas,
    progress: (message) => console.log(`✔ ${message}`),
    log: (label, line) => !quiet && process.stdout.write(`[${label}] ${line}\n`),
  });
  const died = () => !stopping && (console.error('A process exited unexpectedly; stopping everything'), shutdown(1));
  for (const child of stack.children) {
    if (child.exitCode !== null || child.signalCode !== null) return died();
    child.on('exit', died);
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
})().catch(async (error) => {
  console.error(error.message);
  await shutdown(1);
});
