// What the harness reads from the services themselves, besides their answers.
//
// Memory: each service's resident memory and used heap, read from its own Prometheus metrics (prom-client's
// default metrics at GET /metrics on the service's port, outside the gateway): at idle, the peak of
// one sample a second during the rounds, after each round, and the verdict of a leak check.
//
// CPU: `--profile SCENARIO`: a CPU profile of each service during that scenario only. The services start
// with `--inspect=127.0.0.1:0` (through NODE_OPTIONS); the harness finds each inspector's address in
// the service's log, and starts and stops V8's sampling profiler over the DevTools protocol around
// the scenario, so start-up, seeding and the other scenarios stay out of the profile. Each profile
// is written as <service>.cpuprofile (Chrome DevTools opens it) and as a flame graph,
// <service>.html: speedscope's own build with the profile in one page.
'use strict';
const { mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const METRICS = { rss: 'process_resident_memory_bytes', heap: 'nodejs_heap_size_used_bytes' };
const MB = 1024 * 1024;
const mb = (bytes) => Math.round((bytes / MB) * 10) / 10;

/** { user: 'http://127.0.0.1:3001/metrics', … } for the first replica of each service. */
function metricsUrls(instances) {
  return Object.fromEntries(Object.entries(instances).map(([app, list]) => [app, `${list[0].url}/metrics`]));
}

async function read(url) {
  const text = await (await fetch(url)).text();
  const value = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1]);
  return { rssMb: mb(value(METRICS.rss)), heapMb: mb(value(METRICS.heap)) };
}

/** One sample of every service; a service that does not answer is left out. */
async function sample(urls) {
  const entries = await Promise.all(Object.entries(urls).map(async ([app, url]) => [app, await read(url).catch(() => undefined)]));
  return Object.fromEntries(entries.filter(([, v]) => v));
}

/** Samples every second until stop(); stop() resolves the maximum of each value per service. */
function peakSampler(urls) {
  const peak = {};
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = sample(urls).then((s) => {
      for (const [app, v] of Object.entries(s)) {
        peak[app] = { rssMb: Math.max(peak[app]?.rssMb ?? 0, v.rssMb), heapMb: Math.max(peak[app]?.heapMb ?? 0, v.heapMb) };
      }
    });
  }, 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      return peak;
    },
  };
}

/**
 * Growth beyond noise, of the heap and of resident memory apart: the value after each round is more than 2 % above the one after the round
 * before, and the last more than 10 % (and 5 MB) above the first. A heap sampled between garbage
 * collections moves by a few MB on its own, and resident memory climbs towards a plateau as V8
 * sizes its heap; a leak grows round after round.
 */
function leakVerdict(afterRounds) {
  const services = {};
  for (const app of Object.keys(afterRounds[0])) {
    const series = (key) => afterRounds.map((s) => s[app]?.[key]).filter((v) => v !== undefined);
    const grows = (values) => values.every((v, i) => i === 0 || v > values[i - 1] * 1.02) && values.at(-1) - values[0] > Math.max(5, values[0] * 0.1);
    const rss = series('rssMb');
    const heap = series('heapMb');
    services[app] = { rssMb: rss, heapMb: heap, growing: grows(heap), rssOnly: grows(rss) && !grows(heap) };
  }
  if (afterRounds.length < 3) return { verdict: 'not checked (needs 3 rounds or more)', services };
  const named = (key) =>
    Object.entries(services)
      .filter(([, s]) => s[key])
      .map(([app]) => app);
  const [growing, rssOnly] = [named('growing'), named('rssOnly')];
  const verdicts = [
    growing.length ? `heap growth beyond noise in ${growing.join(', ')}: look for a leak` : `no heap growth beyond noise over ${afterRounds.length} rounds`,
    // The heap is where a leak of JavaScript objects shows; resident memory alone also grows when
    // the allocator keeps pages after a peak, so it is named, not called a leak.
    ...(rssOnly.length
      ? [`resident memory grew with a flat heap in ${rssOnly.join(', ')} (pages kept after a peak, or a leak outside the JavaScript heap)`]
      : []),
  ];
  return { verdict: verdicts.join('; '), services };
}

const INSPECT = '--inspect=127.0.0.1:0';
const SPEEDSCOPE = join(require.resolve('speedscope/package.json'), '..', 'dist', 'release');

/** The last inspector address a service printed: its log is appended to across runs. */
function inspectorUrl(logFile) {
  const matches = [...readFileSync(logFile, 'utf8').matchAll(/Debugger listening on (ws:\/\/\S+)/g)];
  if (!matches.length) throw new Error(`${logFile}: no "Debugger listening on" line: did the service start with ${INSPECT}?`);
  return matches.at(-1)[1];
}

/** A DevTools protocol session over the WebSocket Node has built in. */
async function session(url) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to the inspector at ${url}`)), { once: true });
  });
  let next = 1;
  const waiting = new Map();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    const call = waiting.get(message.id);
    if (!call) return;
    waiting.delete(message.id);
    if (message.error) call.reject(new Error(`${message.error.message} (${url})`));
    else call.resolve(message.result);
  });
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

/** Starts the profiler in every service; stop(dir) stops them and writes the profiles and flame graphs. */
async function startProfiling(logFiles) {
  const sessions = {};
  for (const [label, logFile] of Object.entries(logFiles)) {
    sessions[label] = await session(inspectorUrl(logFile));
    await sessions[label].send('Profiler.enable');
    await sessions[label].send('Profiler.start');
  }
  return {
    stop: async (dir) => {
      mkdirSync(dir, { recursive: true });
      const written = [];
      for (const [label, s] of Object.entries(sessions)) {
        const { profile } = await s.send('Profiler.stop');
        s.close();
        const text = JSON.stringify(profile);
        writeFileSync(join(dir, `${label}.cpuprofile`), text);
        writeFileSync(join(dir, `${label}.html`), flameGraphPage(label, text));
        written.push(join(dir, `${label}.html`));
      }
      return written;
    },
  };
}

/**
 * One self-contained page: speedscope's release build with the profile in it. speedscope's CLI
 * opens it with #localProfilePath naming a script that calls speedscope.loadFileFromBase64 (the
 * function speedscope defines when that parameter is there); this page calls it itself once it is
 * defined (speedscope's own attempt to load the script, a file named "embedded", fails harmlessly).
 * So the page needs no other file and opens from anywhere.
 */
function flameGraphPage(label, profileJson) {
  const index = readFileSync(join(SPEEDSCOPE, 'index.html'), 'utf8');
  const asset = (pattern) =>
    readFileSync(
      join(
        SPEEDSCOPE,
        readdirSync(SPEEDSCOPE).find((f) => pattern.test(f)),
      ),
      'utf8',
    );
  const profile = { name: `${label}.cpuprofile`, base64: Buffer.from(profileJson).toString('base64') };
  const before = `location.hash = 'localProfilePath=embedded';`;
  const after = `
    const profile = ${JSON.stringify(profile)};
    const load = setInterval(() => {
      if (!window.speedscope) return;
      clearInterval(load);
      window.speedscope.loadFileFromBase64(profile.name, profile.base64);
    }, 20);`;
  return index
    .replace(/<title>.*<\/title>/, `<title>${label}: CPU profile</title>`)
    .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>${asset(/^speedscope-.*\.css$/)}</style>`)
    .replace(/<link rel="icon"[^>]*>\s*/g, '')
    .replace(/<script src="[^"]*"><\/script>/, () => `<script>${before}</script>\n<script>${asset(/^speedscope-.*\.js$/)}</script>\n<script>${after}</script>`);
}

module.exports = { metricsUrls, sample, peakSampler, leakVerdict, INSPECT, startProfiling };
