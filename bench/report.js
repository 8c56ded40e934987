// What a run reports: for each scenario the median over the rounds with the spread (min-max), its
// ratio to the ceiling of the same round (median over rounds), the issue's targets met or not, both
// ceilings and whether they agree, and each service's memory. Printed and written as Markdown.
'use strict';

/** The median of the numbers (the mean of the middle two for an even count). */
function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  if (!sorted.length) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The ceilings are the reference, and logins are measured against the hashing rate instead. */
const hasRatio = (key) => !key.startsWith('ceiling') && !key.startsWith('login');

const round3 = (x) => (x === undefined ? undefined : Math.round(x * 1000) / 1000);

/** { median, min, max } of one field over the rounds. */
function spread(values, round = (x) => Math.round(x * 100) / 100) {
  const defined = values.filter((v) => typeof v === 'number' && !Number.isNaN(v));
  if (!defined.length) return undefined;
  return { median: round(median(defined)), min: round(Math.min(...defined)), max: round(Math.max(...defined)) };
}

/**
 * Folds the rounds ([{ key: summary }]) into one entry per scenario, each with its ratio to the
 * wrk ceiling of the same round.
 */
function aggregate(rounds, scenarios) {
  return scenarios
    .filter((s) => rounds.some((r) => r[s.key]))
    .map((s) => {
      const measured = rounds.map((r) => r[s.key]).filter(Boolean);
      const ratios = rounds.filter((r) => r[s.key] && r.ceiling).map((r) => r[s.key].requestsPerSecond / r.ceiling.requestsPerSecond);
      const sum = (field) => measured.reduce((n, m) => n + (m[field] ?? 0), 0);
      return {
        key: s.key,
        scenario: s.name,
        requestsPerSecond: spread(
          measured.map((m) => m.requestsPerSecond),
          Math.round,
        ),
        ratioToCeiling: hasRatio(s.key) ? spread(ratios, round3) : undefined,
        p50: spread(measured.map((m) => m.p50)),
        p99: spread(measured.map((m) => m.p99)),
        non2xx: sum('non2xx'),
        timeouts: sum('timeouts'),
        socketErrors: sum('socketErrors'),
        rounds: measured,
      };
    });
}

/** Both ceilings, and whether their medians agree within 10 %: if not, a generator was the limit. */
function ceilingCheck(byKey) {
  const w = byKey.ceiling?.requestsPerSecond?.median;
  const cores = median(byKey.ceiling?.rounds.map((r) => r.generatorCores) ?? []);
  const wrkCores = cores === undefined ? undefined : Math.round(cores * 100) / 100;
  const a = byKey['ceiling-autocannon']?.requestsPerSecond?.median;
  if (w === undefined || a === undefined) return { wrk: w, autocannon: a, wrkCores, agree: undefined, verdict: 'not checked (one ceiling was not measured)' };
  const difference = Math.abs(w - a) / Math.max(w, a);
  const agree = difference <= 0.1;
  return {
    wrk: w,
    autocannon: a,
    wrkCores,
    difference: round3(difference),
    agree,
    verdict: agree
      ? `the two generators agree within 10 % (${(difference * 100).toFixed(1)} %): neither limits the ceiling`
      : `the two generators DISAGREE by ${(difference * 100).toFixed(1)} % (more than 10 %): ${w > a ? 'autocannon' : 'wrk'} measured less, so it, not the system, set its figure${w > a ? '' : ': the ratios are overstated'}`,
  };
}

/** The issue's targets against the medians, each met or not. */
function targets(byKey, extras) {
  const rows = [];
  const ratioTarget = (key, label, ratio, p99) => {
    const s = byKey[key];
    if (!s) return;
    const r = s.ratioToCeiling?.median;
    const p = s.p99?.median;
    const met = r !== undefined && r >= ratio && (p99 === undefined || (p !== undefined && p < p99));
    rows.push({
      target: `${label}: ≥ ${ratio} of the ceiling${p99 ? `, p99 < ${p99} ms` : ''}`,
      measured: `${r ?? '?'}${p99 ? `, p99 ${p} ms` : ''}`,
      met,
    });
  };
  ratioTarget('GET /users/health/live', '`GET /users/health/live` (the pipeline)', 0.6);
  ratioTarget('GET /users/me', '`GET /users/me`', 0.3, 25);
  ratioTarget('GET /orders?limit=20', '`GET /orders?limit=20` (2,000 orders)', 0.15);
  ratioTarget('POST /orders', '`POST /orders` checkout', 0.04, 150);
  if (byKey.login && extras.login) {
    const { rawPerCore, cores } = extras.login;
    const goal = 0.9 * rawPerCore * cores;
    const rate = median(byKey.login.rounds.map((r) => r.okPerSecond));
    const probe = byKey['login-probe']?.p99?.median;
    rows.push({
      target: `login flood ≥ 0.9 × raw bcryptjs × cores (0.9 × ${rawPerCore} × ${cores} = ${goal.toFixed(1)}/s), \`/users/me\` probe p99 < 50 ms`,
      measured: `${rate} successful logins/s (of ${byKey.login.requestsPerSecond.median} answers/s), probe p99 ${probe ?? '?'} ms`,
      met: rate >= goal && probe !== undefined && probe < 50,
    });
  }
  if (extras.overload?.length) {
    const worst = (f) => Math.max(...extras.overload.map(f));
    const timeouts = worst((o) => o.timeouts);
    const others = worst((o) => o.socketErrors + o.non2xx - o.count503);
    // 503s whose time the gateway's log could not give (--gateway) cannot count as fast.
    const slow503 = worst((o) => (o.count503 ? (o.shed503P99Ms ?? Infinity) : 0));
    const recovery = worst((o) => o.recoveryMs);
    rows.push({
      target: '1,024 connections: no client timeouts, only fast 503s (p99 < 1 s at the gateway) when shedding, answers again < 1 s after (every round)',
      measured: `worst round: ${timeouts} timeouts, ${worst((o) => o.count503)} × 503 (p99 ${slow503} ms), ${others} other failures, answered again after ${recovery} ms`,
      met: timeouts === 0 && others === 0 && slow503 < 1000 && recovery < 1000,
    });
  }
  return rows;
}

/** How long the gateway took over the 503s it sent while shedding. */
function shedText(o) {
  if (!o.count503) return 'no 503';
  return o.shed503P99Ms === undefined
    ? `${o.count503} × 503 (their time not measured)`
    : `${o.count503} × 503 at the gateway in p99 ${o.shed503P99Ms} ms, max ${o.shed503MaxMs} ms`;
}

const range = (s, unit = '') => (s ? `${s.median}${unit} (${s.min}-${s.max})` : '');

function markdown({ meta, scenarios, ceilings, targetRows, overload, memory }) {
  const lines = [];
  lines.push(`# Benchmark ${meta.date}`, '');
  lines.push(
    `Node ${meta.node}, ${meta.cpus} CPUs (${meta.cpuModel}), commit ${meta.commit}, ${meta.replicas} replica(s), ${meta.connections} connections, ` +
      `${meta.durationSeconds} s per scenario after ${meta.warmupSeconds} s of warm-up, ${meta.rounds} round(s), load from wrk ${meta.wrkThreads} threads, ` +
      `bcrypt cost ${meta.bcryptCost}, tracing ${meta.tracing ? 'on (OTLP to a local sink)' : 'off'}${meta.profile ? `, CPU profile of ${meta.profile} (figures slowed by the profiler)` : ''}.`,
    '',
  );
  lines.push(
    `Ceilings (median over rounds): wrk ${ceilings.wrk ?? '?'} req/s${ceilings.wrkCores !== undefined ? ` (wrk itself used ${ceilings.wrkCores} cores of its ${meta.wrkThreads} threads)` : ''}, ` +
      `autocannon in worker threads ${ceilings.autocannon ?? '?'} req/s: ${ceilings.verdict}.`,
    '',
  );
  lines.push('Each figure is the median over the rounds, (min-max) after it; a ratio is the scenario over the ceiling of the same round.', '');
  lines.push('| scenario | req/s | ratio to ceiling | p50 ms | p99 ms | non-2xx | timeouts | socket errors |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of scenarios)
    lines.push(
      `| ${s.scenario} | ${range(s.requestsPerSecond)} | ${range(s.ratioToCeiling)} | ${range(s.p50)} | ${range(s.p99)} | ${s.non2xx} | ${s.timeouts} | ${s.socketErrors} |`,
    );
  if (targetRows.length) {
    lines.push('', '| target | measured | met |', '| --- | --- | --- |');
    for (const t of targetRows) lines.push(`| ${t.target} | ${t.measured} | ${t.met ? 'met' : '**not met**'} |`);
  }
  if (overload?.length) {
    lines.push('', '1,024 connections, each round:', '');
    for (const [i, o] of overload.entries())
      lines.push(
        `- round ${i + 1}: ${o.requestsPerSecond} req/s, statuses ${JSON.stringify(o.statuses)}, ${o.timeouts} client timeouts, ${o.socketErrors} socket errors, ` +
          `${shedText(o)}, answered again ${o.recoveryMs} ms after the load stopped`,
      );
  }
  if (memory) {
    lines.push('', 'Memory (MB, resident / heap used), from each service’s /metrics:', '');
    lines.push('| service | idle | peak | after the run | after each round (RSS) | after each round (heap) |', '| --- | ---: | ---: | ---: | --- | --- |');
    const pair = (v) => (v ? `${v.rssMb} / ${v.heapMb}` : '');
    for (const app of Object.keys(memory.idle)) {
      const series = memory.leak.services[app];
      lines.push(
        `| ${app} | ${pair(memory.idle[app])} | ${pair(memory.peak[app])} | ${pair(memory.after[app])} | ${series?.rssMb.join(', ') ?? ''} | ${series?.heapMb.join(', ') ?? ''} |`,
      );
    }
    lines.push('', `Leak check: ${memory.leak.verdict}.`);
  }
  return `${lines.join('\n')}\n`;
}

module.exports = { median, aggregate, ceilingCheck, targets, markdown, hasRatio, shedText };
