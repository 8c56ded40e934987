import fc from 'fast-check';
import { Agent } from 'node:http';
import { checkExchange, Exchange, Finding } from './invariants';
import { OpenApiDocument, Operation, operationsOf, ResponseValidator } from './openapi';
import { mapBounded } from '../bounded';
import { sendRaw } from './raw-http';
import { FuzzContext, FuzzRequest, requestsFor, undocumentedRequests } from './requests';

export interface FuzzTarget extends FuzzContext {
  /** The service's own URL (not the gateway: it rate-limits). */
  url: string;
  spec: OpenApiDocument;
  /** At least this many requests are sent. */
  requests: number;
  seed: number;
  concurrency: number;
  /** What the service logged for a request id it answered with a 5xx. */
  explain?: (requestId: string) => string | undefined;
}

export interface FuzzRun {
  sent: number;
  /** Responses by HTTP status; 0 counts requests that got no response. */
  histogram: Record<number, number>;
  byOperation: Record<string, number>;
  findings: Finding[];
  seconds: number;
}

/** Health checks and the like take no input: a few requests prove them. */
const takesInput = (op: Operation) => op.secured || op.body !== undefined || op.pathParams.length > 0 || op.queryParams.length > 0;

/** Generates the requests (reproducible: fixed seeds), sends them with bounded concurrency, checks every response. */
export async function fuzzService(target: FuzzTarget): Promise<FuzzRun> {
  const started = Date.now();
  const operations = operationsOf(target.spec);
  const validator = new ResponseValidator(target.spec);
  const plans: { weight: number; operation?: Operation; requests: fc.Arbitrary<FuzzRequest> }[] = [
    ...operations.map((operation) => ({ weight: takesInput(operation) ? 4 : 1, operation, requests: requestsFor(operation, target) })),
    { weight: 2, operation: undefined, requests: undocumentedRequests(operations, target) },
  ];
  const totalWeight = plans.reduce((sum, plan) => sum + plan.weight, 0);
  const batches = plans.map((plan, i) =>
    fc
      .sample(plan.requests, { seed: target.seed + i, numRuns: Math.ceil((target.requests * plan.weight) / totalWeight) })
      .map((request) => ({ request, operation: plan.operation })),
  );
  // Interleaved, so that every operation meets the state the others leave behind.
  const longest = Math.max(...batches.map((b) => b.length));
  const planned = Array.from({ length: longest }, (_, i) => batches.flatMap((batch) => (i < batch.length ? [batch[i]] : []))).flat();

  const agent = new Agent({ keepAlive: true, maxSockets: target.concurrency });
  const exchanges: Exchange[] = await mapBounded(planned, target.concurrency, async ({ request, operation }) => {
    let response = await sendRaw(target.url, request, agent);
    // A kept-alive socket the server closed after an earlier 413 is not this request's fault: once more, on a fresh connection.
    if (response.status === 0) response = await sendRaw(target.url, request, false);
    return { request, operation, response };
  });
  agent.destroy();

  const histogram: Record<number, number> = {};
  const byOperation: Record<string, number> = {};
  for (const { request, response } of exchanges) {
    histogram[response.status] = (histogram[response.status] ?? 0) + 1;
    byOperation[request.operation] = (byOperation[request.operation] ?? 0) + 1;
  }
  // Log lines come through a pipe: give the last ones a moment to arrive.
  if (target.explain) await new Promise((resolve) => setTimeout(resolve, 1_000));
  const findings = exchanges.flatMap((exchange) => checkExchange(exchange, validator)).map((finding) => explained(finding, target.explain));
  return { sent: exchanges.length, histogram, byOperation, findings, seconds: (Date.now() - started) / 1000 };
}

function explained(finding: Finding, explain: FuzzTarget['explain']): Finding {
  const id = finding.exchange.response.headers['x-request-id'];
  if (!explain || finding.invariant !== 'no server error' || typeof id !== 'string') return finding;
  const cause = explain(id);
  return cause ? { ...finding, reason: `${finding.reason}, logged as "${cause}"` } : finding;
}
