// The two load generators: wrk (multi-threaded C, bench/wrk/load.lua) drives every scenario;
// autocannon in worker threads measures the ceiling a second time, so that each run shows whether
// the figures are the system's or the generator's (autocannon on one thread capped at about 12k req/s
// on two cores where wrk measured 20-22k). Both return the same summary.
'use strict';
const autocannon = require('autocannon');
const { spawn } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const { join } = require('node:path');

const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p)) ?? 'wrk';
const SCRIPT = join(__dirname, 'wrk', 'load.lua');
const MARK = 'BENCH_JSON ';
const TICKS = 100; // USER_HZ on Linux

/** CPU seconds a process has used so far (user + system), from /proc; undefined where there is none. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** A load's outcome, in the units every table of the benchmark uses. */
function summary({ requestsPerSecond, total, p50, p90, p99, max, non2xx, timeouts, socketErrors, statuses, generatorCores }) {
  return {
    requestsPerSecond: Math.round(requestsPerSecond),
    // The answers that were not errors: a refused login (429, 503) comes back fast and would count as a login.
    okPerSecond: total ? Math.round((requestsPerSecond * (total - non2xx)) / total) : 0,
    total,
    p50: round(p50),
    p90: round(p90),
    p99: round(p99),
    max: round(max),
    non2xx,
    timeouts,
    socketErrors,
    ...(statuses ? { statuses } : {}),
    ...(generatorCores !== undefined ? { generatorCores } : {}),
  };
}

const round = (ms) => Math.round(ms * 100) / 100;

/**
 * wrk for `seconds` with `connections` over min(cores, connections) threads. `countStatuses` counts
 * every response by status code in Lua (costs throughput: for the overload scenario only). `bodies`
 * (one-line strings) are sent in turn, one a request, instead of `body`. `generatorCores` is the
 * CPU wrk itself used, in cores (read from /proc every 200 ms until it exits): well below its thread
 * count, wrk was waiting for answers, not limiting them. A
 * request wrk gave up on after `timeoutSeconds` counts in `timeouts`, never in the latencies.
 */
function wrk({ url, method = 'GET', headers = {}, body, bodies, connections, seconds, timeoutSeconds = 10, countStatuses = false }) {
  const threads = Math.max(1, Math.min(availableParallelism(), connections));
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', `${timeoutSeconds}s`, '-s', SCRIPT, url];
  const env = {
    ...process.env,
    BENCH_WRK_METHOD: method,
    BENCH_WRK_BODY: body ?? '',
    BENCH_WRK_BODIES: bodies?.join('\n') ?? '',
    BENCH_WRK_HEADERS: Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    BENCH_WRK_STATUSES: countStatuses ? '1' : '0',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let cpu;
    const cpuSampler = setInterval(() => (cpu = cpuSeconds(child.pid) ?? cpu), 200);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', (error) => reject(new Error(`${WRK} could not start (Debian/Ubuntu: apt-get install wrk): ${error.message}`)));
    child.on('close', (code) => {
      clearInterval(cpuSampler);
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) return reject(new Error(`wrk ${args.join(' ')} failed (exit ${code}):\n${out}`));
      const r = JSON.parse(line.slice(MARK.length));
      const ms = (us) => us / 1000;
      const statuses = countStatuses ? r.statuses : undefined;
      resolve(
        summary({
          requestsPerSecond: r.requests / (r.durationUs / 1e6),
          total: r.requests,
          p50: ms(r.latencyUs.p50),
          p90: ms(r.latencyUs.p90),
          p99: ms(r.latencyUs.p99),
          max: ms(r.latencyUs.max),
          // wrk counts statuses of 400 and above; with countStatuses the 3xx are counted too.
          non2xx: statuses ? Object.entries(statuses).reduce((n, [code, count]) => (code.startsWith('2') ? n : n + count), 0) : r.errors.status,
          timeouts: r.errors.timeout,
          socketErrors: r.errors.connect + r.errors.read + r.errors.write,
          statuses,
          generatorCores: cpu === undefined ? undefined : Math.round((cpu / seconds) * 100) / 100,
        }),
      );
    });
  });
}

/** autocannon; `workers` spreads the connections over that many threads. */
function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ timeout: 10, ...options }, (error, r) =>
      error
        ? reject(error instanceof Error ? error : new Error(String(error)))
        : resolve(
            summary({
              requestsPerSecond: r.requests.average,
              total: r.requests.total,
              p50: r.latency.p50,
              p90: r.latency.p90,
              p99: r.latency.p99,
              max: r.latency.max,
              non2xx: r.non2xx,
              timeouts: r.timeouts,
              socketErrors: r.errors - r.timeouts,
            }),
          ),
    );
  });
}

module.exports = { wrk, cannon };
