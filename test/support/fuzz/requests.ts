import fc from 'fast-check';
import { deepNesting, hostileString, hostileValue, PRIVILEGED_KEYS, PROTOTYPE_KEYS, toJsonText, validValue, withKey } from './hostile-values';
import type { OpenApiParameter, Operation, Schema } from './openapi';
import type { RawRequest } from './raw-http';

export interface FuzzRequest extends RawRequest {
  /** The operation id, or `undocumented route`. */
  operation: string;
  /** How the request was made hostile, for the report. */
  strategy: string;
}

export interface FuzzContext {
  prefix: string;
  tokens: { user: string; admin: string };
  /** Ids of real resources the token holders can see, so that some requests get past the lookup. */
  pathIds: string[];
  /** Valid values the schema cannot describe (real usernames, refresh tokens), by property name. */
  hints: Record<string, fc.Arbitrary<unknown>>;
}

interface BodyPart {
  strategy: string;
  contentType?: string;
  payload?: Buffer;
}

/** Body limit of the services (BODY_LIMIT_BYTES default). */
export const BODY_LIMIT_BYTES = 102_400;
/** Media types the README says are refused with 415. */
export const NON_JSON_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'text/html',
  'application/octet-stream',
];
const ODD_JSON_TYPES = [
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/jsonp',
  'json',
  '*/*',
  '',
];

/** Verbs a documented path lacks; FOO is no HTTP method at all. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO'];

/** Percent-encodes any string, lone surrogates included (encodeURIComponent throws on them). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

const json =
  (strategy: string) =>
  (value: unknown): BodyPart => ({ strategy, contentType: 'application/json', payload: Buffer.from(toJsonText(value), 'utf8') });

type Path = (string | number)[];

/** Every key and array slot of a JSON value, plus the declared properties it leaves out. */
function fieldPaths(schema: Schema, value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [];
  if (Array.isArray(value)) {
    value.slice(0, 3).forEach((item, i) => paths.push([...prefix, i], ...fieldPaths((schema.items ?? {}) as Schema, item, [...prefix, i])));
  } else if (value && typeof value === 'object') {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of new Set([...Object.keys(value), ...Object.keys(properties)])) {
      paths.push([...prefix, key], ...fieldPaths(properties[key] ?? {}, (value as Record<string, unknown>)[key], [...prefix, key]));
    }
  }
  return paths;
}

function setAt(root: unknown, path: Path, update: (old: unknown) => unknown): unknown {
  if (!path.length) return update(root);
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  const next = setAt(copy[head], rest, update);
  if (next === undefined) delete copy[head];
  else withKey(copy, String(head), next);
  return copy;
}

function pick<T>(items: T[], n: number): T | undefined {
  return items.length ? items[n % items.length] : undefined;
}

function hostileFields(schema: Schema, valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  return fc.tuple(valid, fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 2 })).map(([base, edits]) => {
    let body = base;
    const changed: string[] = [];
    for (const [n, value] of edits) {
      const path = pick(fieldPaths(schema, body), n);
      if (!path) continue;
      body = setAt(body, path, () => value);
      changed.push(path.join('.'));
    }
    return json(`hostile ${changed.join(', ') || 'body'}`)(body);
  });
}

function missingField(schema: Schema, valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  return fc.tuple(valid, fc.nat()).map(([base, n]) => {
    const path = pick(
      fieldPaths(schema, base).filter((p) => p.length === 1 || typeof p[p.length - 1] === 'string'),
      n,
    );
    return json(path ? `without ${path.join('.')}` : 'empty object')(path ? setAt(base, path, () => undefined) : {});
  });
}

function extraField(schema: Schema, valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  const keys = fc.constantFrom<string>(...PROTOTYPE_KEYS, ...PRIVILEGED_KEYS, 'unexpected', 'items_extra');
  const values = fc.oneof(hostileValue, fc.constantFrom<unknown>('admin', true, 1, { polluted: true }));
  return fc.tuple(valid, keys, values, fc.nat()).map(([base, key, value, n]) => {
    // The extra key goes at the top, or into a nested object (an order item).
    const objects = [[], ...fieldPaths(schema, base)].filter((p) => {
      let node: unknown = base;
      for (const step of p) node = (node as Record<string | number, unknown>)?.[step];
      return node !== null && typeof node === 'object' && !Array.isArray(node);
    });
    const at = pick(objects, n) ?? [];
    return json(`extra field ${[...at, key].join('.')}`)(setAt(base, at, (old) => withKey({ ...(old as object) }, key, value)));
  });
}

function nestedScalar(schema: Schema, valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  return fc.tuple(valid, fc.nat(), fc.constantFrom('object', 'array', 'deep')).map(([base, n, kind]) => {
    const path = pick(fieldPaths(schema, base), n);
    if (!path) return json('nested body')({ value: base });
    const wrap = (old: unknown) => (kind === 'object' ? { value: old ?? 1 } : kind === 'array' ? [old ?? 1] : { a: { b: { c: { d: [old ?? 1] } } } });
    return json(`${kind} instead of the scalar ${path.join('.')}`)(setAt(base, path, wrap));
  });
}

function malformed(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  const text = valid.map((v) => toJsonText(v));
  const raw = (strategy: string, payload: string | Buffer): BodyPart => ({
    strategy,
    contentType: 'application/json',
    payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8'),
  });
  return fc.oneof(
    fc.tuple(text, fc.nat()).map(([t, n]) => raw('truncated JSON', t.slice(0, n % Math.max(1, t.length)))),
    text.map((t) => raw('trailing comma', t.replace(/}$/, ',}'))),
    text.map((t) => raw('single quotes', t.replaceAll('"', "'"))),
    text.map((t) => raw('comment', `/* c */${t}`)),
    text.map((t) => raw('two documents', t + t)),
    text.map((t) => raw('byte order mark', `\ufeff${t}`)),
    text.map((t) => raw('duplicate keys', t.replace(/^\{"([^"]+)":/, '{"$1":{"nested":[1]},"$1":'))),
    text.map((t) => raw('unescaped NUL in a string', t.replace(/"([^"]*)"/, '"$1\u0000"'))),
    fc
      .constantFrom(
        'hello',
        'undefined',
        '{a:1}',
        '{"a":}',
        '[',
        ']',
        '{',
        '}',
        '"unterminated',
        ',',
        'nul',
        'tru',
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"admin":true}}}',
      )
      .map((t) => raw(`not JSON: ${t}`, t)),
    fc.constant(raw('invalid UTF-8', Buffer.concat([Buffer.from('{"full_name":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]))),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => raw('random bytes', Buffer.from(bytes))),
    deepNesting.map((nested) => raw('deeply nested body', nested.text)),
  );
}

function fields(value: unknown): [string, unknown][] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [['value', value]];
}

function formEncode(value: unknown): string {
  const entries = fields(value);
  return entries.map(([k, v]) => `${percentEncode(k)}=${percentEncode(typeof v === 'string' ? v : toJsonText(v))}`).join('&');
}

function multipart(value: unknown): string {
  const entries = fields(value);
  const parts = entries.map(([k, v]) => `--fuzz\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${typeof v === 'string' ? v : toJsonText(v)}\r\n`);
  return `${parts.join('')}--fuzz--\r\n`;
}

function contentType(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  return fc.tuple(valid, fc.constantFrom(...NON_JSON_TYPES, ...ODD_JSON_TYPES)).map(([base, type]) => {
    const text = type.startsWith('application/x-www-form-urlencoded') ? formEncode(base) : type.startsWith('multipart/') ? multipart(base) : toJsonText(base);
    return { strategy: `content type "${type}"`, contentType: type, payload: Buffer.from(text, 'utf8') };
  });
}

function oversize(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  return fc.tuple(valid, fc.constantFrom(150_000, 1_100_000)).map(([base, size]) => {
    const object = base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : { value: base };
    return json(`${Math.round(size / 1000)} kB body`)(withKey(object, 'padding', 'p'.repeat(size)));
  });
}

/** Bodies for an operation that takes JSON: valid ones, and every way we know to make them hostile. */
export function bodyFor(schema: Schema, hints: FuzzContext['hints']): fc.Arbitrary<BodyPart> {
  const valid = validValue(schema, hints);
  return fc.oneof(
    { weight: 12, arbitrary: valid.map(json('valid')) },
    { weight: 30, arbitrary: hostileFields(schema, valid) },
    { weight: 6, arbitrary: missingField(schema, valid) },
    { weight: 8, arbitrary: extraField(schema, valid) },
    { weight: 6, arbitrary: nestedScalar(schema, valid) },
    { weight: 6, arbitrary: hostileValue.map(json('hostile value as the whole body')) },
    { weight: 8, arbitrary: malformed(valid) },
    { weight: 8, arbitrary: contentType(valid) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<BodyPart>(
        { strategy: 'empty body with a JSON content type', contentType: 'application/json', payload: Buffer.alloc(0) },
        { strategy: 'no body' },
        { strategy: 'whitespace body', contentType: 'application/json', payload: Buffer.from(' \n ') },
      ),
    },
    { weight: 3, arbitrary: oversize(valid) },
  );
}

/** Operations without a body mostly get none, sometimes a stray one. */
function strayBody(): fc.Arbitrary<BodyPart> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<BodyPart>({ strategy: 'no body' }) },
    { weight: 1, arbitrary: hostileValue.map(json('stray JSON body')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...NON_JSON_TYPES).map((type) => ({ strategy: `stray ${type} body`, contentType: type, payload: Buffer.from('a=1') })),
    },
  );
}

const hostileQueryValue = fc.oneof(
  fc.constantFrom(
    '',
    '-1',
    '0',
    '101',
    '1000001',
    '99999999999999999999',
    '1e309',
    '1e2',
    'NaN',
    'Infinity',
    '-Infinity',
    '1.5',
    '0x10',
    '%2B1',
    '%201',
    '1%20',
    'true',
    'null',
    '[]',
    '{}',
    '%',
    '%zz',
    '%ff',
    '%00',
  ),
  hostileString.filter((s) => s.length < 2_000).map(percentEncode),
);

function queryFor(params: OpenApiParameter[], hints: FuzzContext['hints']): fc.Arbitrary<{ query: string; strategy: string }> {
  const first = params[0]?.name ?? 'limit';
  const perParam = params.map((p) =>
    fc.option(
      fc.oneof(
        { weight: 3, arbitrary: validValue(p.schema ?? {}, hints, p.name).map((v) => ({ text: percentEncode(String(v)), hostile: false })) },
        { weight: 2, arbitrary: hostileQueryValue.map((text) => ({ text, hostile: true })) },
      ),
      { freq: 2 },
    ),
  );
  const extra = fc.option(
    fc.constantFrom(
      `${first}=1&${first}=2`,
      `${first}[a]=1`,
      `${first}[]=1`,
      '__proto__=1',
      'constructor=1',
      'toString=1',
      'unexpected=1',
      `${first}=1;offset=2`,
      '&&&',
      '=',
    ),
    { freq: 4 },
  );
  return fc.tuple(fc.tuple(...perParam), extra).map(([values, stray]) => {
    const parts: string[] = [];
    const notes: string[] = [];
    values.forEach((value, i) => {
      if (!value) return;
      parts.push(`${params[i].name}=${value.text}`);
      if (value.hostile) notes.push(params[i].name);
    });
    if (stray) parts.push(stray);
    const strategy = [notes.length ? `hostile query ${notes.join(', ')}` : '', stray ? `query ${stray}` : ''].filter(Boolean).join('; ');
    return { query: parts.length ? `?${parts.join('&')}` : '', strategy };
  });
}

function pathValue(ctx: FuzzContext): fc.Arbitrary<{ text: string; strategy: string }> {
  const as = (strategy: string) => (text: string) => ({ text, strategy });
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...ctx.pathIds).map(as('own resource id')) },
    { weight: 3, arbitrary: fc.uuid().map(as('random UUID')) },
    {
      weight: 1,
      arbitrary: fc
        .uuid()
        .map((u) => u.toUpperCase())
        .map(as('upper-case UUID')),
    },
    { weight: 1, arbitrary: fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff').map(as('edge UUID')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.uuid(), fc.nat(4))
        .map(([u, n]) => [`%7B${u}%7D`, u.replaceAll('-', ''), `${u}x`, u.slice(1), `urn%3Auuid%3A${u}`][n])
        .map(as('almost a UUID')),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          'not-a-uuid',
          '0',
          '-1',
          '1.5',
          'null',
          'undefined',
          'NaN',
          '%00',
          '%',
          '%zz',
          '%ff%fe',
          '..',
          '%2e%2e',
          '..%2F..%2Fetc%2Fpasswd',
          "'%20OR%201%3D1--",
          '%3Cscript%3E',
        )
        .map(as('not a UUID')),
    },
    {
      weight: 2,
      arbitrary: hostileString
        .filter((s) => s.length > 0 && s.length < 1_000)
        .map(percentEncode)
        .map(as('hostile string')),
    },
    // Past Node's 16 kB limit on the request line and headers.
    { weight: 1, arbitrary: fc.constant('a'.repeat(20_000)).map(as('20 kB path segment')) },
  );
}

function authorizationFor(op: Operation, tokens: FuzzContext['tokens']): fc.Arbitrary<{ header?: string; strategy: string }> {
  const as = (strategy: string) => (header?: string) => ({ header, strategy });
  const [head, payload] = tokens.user.split('.');
  const hostile = fc
    .constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer x.y.z',
      'Basic dXNlcjpwYXNz',
      `Bearer ${tokens.user}x`,
      `Bearer ${head}.${payload}.`,
      `Bearer ${'a'.repeat(8_000)}`,
      tokens.user,
      `Bearer ${tokens.user} ${tokens.user}`,
      `Bearer ${tokens.user.slice(0, 40)}`,
    )
    .map(as('hostile Authorization'));
  if (!op.secured)
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant({ strategy: '' }) },
      { weight: 1, arbitrary: fc.constant(as('')(`Bearer ${tokens.user}`)) },
      { weight: 1, arbitrary: hostile },
    );
  return fc.oneof(
    { weight: op.adminOnly ? 8 : 16, arbitrary: fc.constantFrom(`Bearer ${tokens.user}`, `bearer ${tokens.user}`).map(as('')) },
    { weight: op.adminOnly ? 8 : 1, arbitrary: fc.constant(`Bearer ${tokens.admin}`).map(as('admin token')) },
    { weight: 1, arbitrary: fc.constant(as('no Authorization')()) },
    { weight: 1, arbitrary: hostile },
  );
}

const idempotencyKey = fc.option(
  fc.oneof(
    fc.uuid().map((u) => `fuzz-${u}`),
    fc.constantFrom('', ' ', 'k'.repeat(255), 'k'.repeat(256), 'a\tb', "' OR 1=1 --", '<script>', 'caf\xe9', '\xff\xfe', 'the-same-key-every-time'),
  ),
  { freq: 2 },
);
// Safe ids are unique, so that a 5xx can be matched with the service's own log line.
const requestId = fc.option(
  fc.oneof(
    fc.uuid().map((u) => `fuzz-${u}`),
    fc.uuid().map((u) => u.replaceAll('-', '').padEnd(128, 'r')),
    fc.constantFrom('../../etc/passwd', '<script>', 'r'.repeat(129), 'a b', '\xff', '', 'tab\there'),
  ),
  { freq: 5 },
);

/** Requests for one documented operation. */
export function requestsFor(op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const path = fc.tuple(...op.pathParams.map(() => pathValue(ctx))).map((values) => {
    let text = op.path;
    op.pathParams.forEach((p, i) => (text = text.replace(`{${p.name}}`, values[i].text)));
    return { text, strategy: values.map((v, i) => `${op.pathParams[i].name}: ${v.strategy}`).join('; ') };
  });
  const query = op.queryParams.length
    ? queryFor(op.queryParams, ctx.hints)
    : fc.option(fc.constantFrom('?unexpected=1', '?__proto__=1', '?limit=-1'), { freq: 10 }).map((q) => ({ query: q ?? '', strategy: q ? `query ${q}` : '' }));
  const body = op.body ? bodyFor(op.body, ctx.hints) : strayBody();
  const takesKey = op.headerParams.some((h) => h.name.toLowerCase() === 'idempotency-key');
  return fc
    .record({ path, query, body, auth: authorizationFor(op, ctx.tokens), key: takesKey ? idempotencyKey : fc.constant(null), requestId })
    .map(({ path, query, body, auth, key, requestId }) => {
      const headers: Record<string, string> = {};
      if (auth.header !== undefined) headers.authorization = auth.header;
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      if (key !== null) headers['idempotency-key'] = key;
      if (requestId !== null) headers['x-request-id'] = requestId;
      const notes = [
        path.strategy,
        query.strategy,
        body.strategy,
        auth.strategy,
        key !== null ? 'Idempotency-Key' : '',
        requestId !== null ? 'X-Request-Id' : '',
      ];
      return { operation: op.id, method: op.method, path: path.text + query.query, headers, body: body.payload, strategy: notes.filter(Boolean).join('; ') };
    });
}

/** Methods a documented path does not have, and paths that do not exist, under the service's prefix. */
export function undocumentedRequests(ops: Operation[], ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const documented = new Set(ops.map((op) => `${op.method} ${op.path}`));
  const paths = [...new Set(ops.map((op) => op.path))];
  const wrongMethod = fc
    .tuple(fc.constantFrom(...paths), fc.constantFrom(...METHODS), fc.constantFrom(...ctx.pathIds))
    .filter(([path, method]) => !documented.has(`${method} ${path}`))
    .map(([path, method, id]) => ({ method, path: path.replace(/\{[^}]+\}/g, id), strategy: 'method the path does not have' }));
  const missing = fc
    .tuple(
      fc.constantFrom(...METHODS),
      fc.array(
        fc.oneof(
          fc.stringMatching(/^[a-z0-9_-]{1,12}$/).map((s) => `zz-${s}`),
          hostileString.filter((s) => s.length > 0 && s.length < 200).map(percentEncode),
        ),
        { minLength: 1, maxLength: 3 },
      ),
    )
    .map(([method, segments]) => ({ method, path: `/${ctx.prefix}/${segments.join('/')}`, strategy: 'path that does not exist' }));
  return fc.tuple(fc.oneof(wrongMethod, missing), fc.boolean()).map(([req, withBody]) => ({
    operation: 'undocumented route',
    method: req.method,
    path: req.path,
    headers: { authorization: `Bearer ${ctx.tokens.user}`, ...(withBody ? { 'content-type': 'application/json' } : {}) },
    body: withBody ? Buffer.from('{"a":1}') : undefined,
    strategy: req.strategy,
  }));
}
