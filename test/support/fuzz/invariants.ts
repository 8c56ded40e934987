import type { Operation, ResponseValidator, Schema } from './openapi';
import type { RawResponse } from './raw-http';
import { BODY_LIMIT_BYTES, FuzzRequest, NON_JSON_TYPES } from './requests';

export const INVARIANTS = {
  'no server error': 'never answers 5xx, and always answers',
  'no internals': 'never shows a stack trace, a file path, an error class or SQL',
  'error shape': 'answers every error as JSON in the one error shape, with statusCode equal to the HTTP status',
  'request id': 'returns X-Request-Id on every response (a safe client id kept) and repeats it in error bodies',
  'documented success': 'answers every success with a status and a body its OpenAPI spec documents',
  'readme conventions': 'refuses bodies over 100 kB (413), non-JSON bodies (415) and unknown fields, as the README says',
} as const;

export type Invariant = keyof typeof INVARIANTS;

export interface Exchange {
  request: FuzzRequest;
  /** Undefined for routes the spec does not document. */
  operation?: Operation;
  response: RawResponse;
}

export interface Finding {
  invariant: Invariant;
  /** What went wrong, short enough to group identical findings by. */
  reason: string;
  exchange: Exchange;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const INTERNAL_DETAILS: [string, RegExp][] = [
  ['stack frame', /\bat (?:async )?(?:[\w$.<>[\]]+ )?\(?(?:file:\/\/|node:)?\/?[\w/.@-]+:\d+:\d+\)?/g],
  ['file path', /(?:file:\/\/)?\/(?:work|home|root|usr|opt|app|srv|tmp|var|etc|proc|dist|src)\/[\w./@-]*/g],
  ['source location', /[\w@-]+\.(?:ts|js|mjs|cjs):\d+/g],
  ['node internals', /node_modules|node:internal/g],
  ['error class', /\b(?:QueryFailedError|EntityNotFoundError|TypeORMError|AxiosError|TypeError|RangeError|ReferenceError|SyntaxError)\b/g],
  [
    'SQL detail',
    /duplicate key value|violates [\w-]+ constraint|syntax error at or near|invalid input syntax for|invalid byte sequence|unsupported Unicode escape|relation "[^"]*"|column "[^"]*"/gi,
  ],
];

/** A multi-line stack, the one internal detail a success body could only show by accident. */
const STACK_IN_SUCCESS = /\n\s+at [^\n]+:\d+:\d+/;

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Whatever the client sent: an error that quotes it back (`Cannot GET /x`) is not leaking anything. */
function requestText(request: FuzzRequest): string {
  return [request.path, safeDecode(request.path), request.body?.toString('utf8') ?? '', ...Object.values(request.headers)].join('\n');
}

/** Keys of a JSON value the schema does not declare, at any depth the schema describes. */
export function undeclaredKeys(schema: Schema, value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.slice(0, 100).flatMap((item, i) => undeclaredKeys((schema.items ?? {}) as Schema, item, `${path}[${i}]`));
  if (!value || typeof value !== 'object' || !schema.properties) return [];
  const properties = schema.properties as Record<string, Schema>;
  return Object.entries(value).flatMap(([key, child]) =>
    key in properties && Object.prototype.hasOwnProperty.call(properties, key)
      ? undeclaredKeys(properties[key], child, `${path}.${key}`)
      : [`${path}.${key}`.slice(1)],
  );
}

function queryNames(path: string): string[] {
  const query = path.split('?')[1];
  if (!query) return [];
  return query
    .split('&')
    .map((part) => part.split('=')[0])
    .filter(Boolean)
    .map((name) => {
      try {
        return decodeURIComponent(name);
      } catch {
        return '';
      }
    })
    .filter(Boolean);
}

export function checkExchange(exchange: Exchange, validator: ResponseValidator): Finding[] {
  const { request, response } = exchange;
  const findings: Finding[] = [];
  const fail = (invariant: Invariant, reason: string) => findings.push({ invariant, reason, exchange });
  const { status } = response;

  if (status === 0) {
    fail('no server error', `no response (${response.failure})`);
    return findings;
  }
  if (status >= 500) fail('no server error', `${status}`);

  const success = status >= 200 && status < 300;
  const header = response.headers['x-request-id'];
  const sentId = request.headers['x-request-id'];
  if (typeof header !== 'string' || !header) fail('request id', 'no X-Request-Id header');
  else if (sentId !== undefined && SAFE_REQUEST_ID.test(sentId) && header !== sentId) fail('request id', 'a safe client X-Request-Id was not kept');
  else if (sentId !== undefined && !SAFE_REQUEST_ID.test(sentId) && header === sentId) fail('request id', 'an unsafe client X-Request-Id was echoed');

  if (success) {
    if (STACK_IN_SUCCESS.test(response.text)) fail('no internals', 'stack trace in a success body');
    checkSuccess(exchange, validator, fail);
  } else {
    const echoed = requestText(request);
    for (const [kind, pattern] of INTERNAL_DETAILS) {
      const leaked = [...response.text.matchAll(pattern)].map((m) => m[0]).filter((m) => !echoed.includes(m));
      if (leaked.length) fail('no internals', `${kind} "${leaked[0].slice(0, 80)}"`);
    }
    checkErrorShape(exchange, validator, fail);
  }
  checkConventions(exchange, fail);
  return findings;
}

function checkErrorShape(exchange: Exchange, validator: ResponseValidator, fail: (invariant: Invariant, reason: string) => void): void {
  const { response } = exchange;
  if (mediaType(response.headers['content-type']) !== 'application/json') fail('error shape', `content type "${response.headers['content-type'] ?? ''}"`);
  const parsed = parseJson(response.text);
  if (!parsed.ok) return fail('error shape', `${response.status} body is not JSON`);
  const body = parsed.value as Record<string, unknown>;
  if (!validator.errorBody(body)) fail('error shape', `${response.status} body off the error shape: ${validator.describe(validator.errorBody)}`);
  else if (body.statusCode !== response.status) fail('error shape', `statusCode ${String(body.statusCode)} in a ${response.status} response`);
  if (typeof body?.requestId === 'string' && body.requestId !== response.headers['x-request-id'])
    fail('request id', 'requestId in the body differs from X-Request-Id');
}

function checkSuccess(exchange: Exchange, validator: ResponseValidator, fail: (invariant: Invariant, reason: string) => void): void {
  const { operation, response } = exchange;
  if (!operation) return fail('documented success', `${response.status} for an undocumented route`);
  const validate = validator.forStatus(operation, response.status);
  if (validate === undefined) return fail('documented success', `undocumented status ${response.status}`);
  if (validate === null) {
    if (response.text.length) fail('documented success', `${response.status} documents no body but has one`);
    return;
  }
  const parsed = parseJson(response.text);
  if (!parsed.ok) return fail('documented success', `${response.status} body is not JSON`);
  if (!validate(parsed.value)) fail('documented success', `${response.status} body off its schema: ${validator.describe(validate)}`);
  for (const [name, documented] of Object.entries(operation.responses[String(response.status)]?.headers ?? {})) {
    const value = response.headers[name.toLowerCase()];
    if (documented.schema?.type === 'integer' && !(typeof value === 'string' && /^\d+$/.test(value)))
      fail('documented success', `${name} header "${String(value)}" is not an integer`);
  }
}

/** Refused on the request line or headers (URL too long, malformed escape): the body was never looked at. */
function refusedBeforeTheBody(response: RawResponse): boolean {
  if (response.status === 414 || response.status === 431) return true;
  const parsed = parseJson(response.text);
  return parsed.ok && (parsed.value as { code?: unknown })?.code === 'FST_ERR_BAD_URL';
}

function checkConventions(exchange: Exchange, fail: (invariant: Invariant, reason: string) => void): void {
  const { request, operation, response } = exchange;
  if (!operation || refusedBeforeTheBody(response)) return;
  const type = request.headers['content-type'];
  const size = request.body?.length ?? 0;
  const success = response.status >= 200 && response.status < 300;
  if (operation.body && mediaType(type) === 'application/json' && size > BODY_LIMIT_BYTES && response.status !== 413)
    fail('readme conventions', `${size}-byte JSON body answered ${response.status}, not 413`);
  // Bodies are parsed before guards and validation run: any answer but 415 (or 413) means the body was taken.
  if (operation.body && type !== undefined && NON_JSON_TYPES.includes(type) && size > 0 && size <= BODY_LIMIT_BYTES && ![413, 415].includes(response.status)) {
    fail('readme conventions', `"${mediaType(type)}" body answered ${response.status}, not 415`);
  }
  if (operation.body && mediaType(type) === 'application/json' && success) {
    const parsed = parseJson(request.body?.toString('utf8') ?? '');
    const unknown = parsed.ok ? undeclaredKeys(operation.body, parsed.value) : [];
    if (unknown.length) fail('readme conventions', `unknown body field ${unknown[0]} accepted`);
  }
  if (operation.queryParams.length && success) {
    const declared = new Set(operation.queryParams.map((p) => p.name));
    const unknown = queryNames(request.path).filter((name) => !declared.has(name));
    if (unknown.length) fail('readme conventions', `unknown query parameter ${unknown[0]} accepted`);
  }
}

/** One line per distinct problem, with how often it happened and one reproducible example. */
export function summarize(findings: Finding[], secrets: Record<string, string> = {}): string[] {
  const groups = new Map<string, { count: number; first: Finding }>();
  for (const finding of findings) {
    // Quoted details vary from request to request; what a service logged for a 5xx tells causes apart.
    const [reason, logged = ''] = finding.reason.split(', logged as ');
    const key = `${finding.exchange.request.operation} ${finding.exchange.request.method} ${reason.replace(/"[^"]*"/g, '"…"')} ${logged.replace(/[0-9a-f-]{36}/g, '<id>')}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { count: 1, first: finding });
  }
  return [...groups.values()].map(
    ({ count, first }) => `${count}× ${first.exchange.request.operation}: ${first.reason}\n    e.g. ${describeExchange(first.exchange, secrets)}`,
  );
}

const excerpt = (text: string, max: number) => JSON.stringify(text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text);

export function describeExchange({ request, response }: Exchange, secrets: Record<string, string> = {}): string {
  const hide = (text: string) => Object.entries(secrets).reduce((t, [name, secret]) => t.split(secret).join(`<${name}>`), text);
  const headers = hide(JSON.stringify(request.headers));
  const body = request.body ? excerpt(request.body.toString('utf8'), 240) : 'none';
  return `${request.method} ${excerpt(request.path, 160)} [${request.strategy}] headers ${headers.slice(0, 300)} body ${body} → ${response.status || response.failure} ${excerpt(response.text, 300)}`;
}
