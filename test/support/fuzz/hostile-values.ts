import fc from 'fast-check';
import type { Schema } from './openapi';

/** JSON text sent verbatim: numbers `JSON.stringify` cannot write (`1e309`), deep nesting, broken syntax. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Serialises like JSON.stringify, except that RawJson fragments go out as they are. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Sets an own property, even `__proto__`, the way JSON.parse would. */
export function withKey<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** Strings that try to become code somewhere: SQL, HTML, templates, paths, shell. */
export const INJECTION_PAYLOADS = [
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '../../etc/passwd',
  '$(reboot)',
  '`id`',
  '%s%s%s%n',
  '{"$gt": ""}',
] as const;

/** Keys that exist on every object: validation that looks keys up on a plain object may not see them as unknown. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'] as const;

/** Fields a client must never be able to set (mass assignment). */
export const PRIVILEGED_KEYS = ['id', 'role', 'is_active', 'user_id', 'status', 'password_hash', 'passwordHash', 'created_at', 'total_minor', 'admin'] as const;

const char = (min: number, max: number) => fc.integer({ min, max }).map((code) => String.fromCharCode(code));

const controlCharacters = fc.string({ unit: char(0x00, 0x1f), minLength: 1, maxLength: 16 });
const loneSurrogates = fc.string({ unit: char(0xd800, 0xdfff), minLength: 1, maxLength: 4 });

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  // PostgreSQL text cannot hold NUL: worth trying often.
  { weight: 2, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', 'Jane\u0000Doe') },
  fc.constantFrom('', ' ', '   ', '\t', '\n', '\u00a0', '\u200b', '\ufeff'),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  controlCharacters,
  controlCharacters.map((c) => `a${c}z`),
  loneSurrogates.map((s) => `x${s}`),
  fc.constantFrom(...INJECTION_PAYLOADS),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', 'null', 'undefined', 'true', '0', '-1', '[object Object]', '0x10'),
  fc.constantFrom('\u202eevil', '🦄'.repeat(70), 'e\u0301'.repeat(120), 'ｆｕｌｌｗｉｄｔｈ', 'Ⅻ', 'ß'.repeat(201), 'İ'),
  // 255 is a common column size; 100,000 characters is just under the 100 kB body limit;
  // 60,000 two-byte characters is over it.
  fc.constantFrom(255, 256, 10_001, 100_000).map((n) => 'x'.repeat(n)),
  fc.constant('é'.repeat(60_000)),
);

/** Numbers as raw JSON tokens too: JSON.stringify would turn 1e309 into null. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .constantFrom(
      '1e309',
      '-1e309',
      '1e-400',
      '-0',
      '0.0',
      '1E2',
      '1.0',
      '9007199254740993',
      '123456789012345678901234567890',
      '0.000000001',
      '1.005',
      '19.999',
    )
    .map((text) => new RawJson(text)),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '12.5', ' 5 ', '0x1A', '', '1,5', '5e-1'),
  fc.constantFrom(0, -1, -0.01, 0.001, 0.1 + 0.2, 1.5, 2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Malformed number tokens: the whole body stops being JSON. */
export const invalidNumberToken = fc.constantFrom('NaN', 'Infinity', '-Infinity', '+1', '01', '.5', '1.', '0x10', '1e', '--1').map((text) => new RawJson(text));

/** Nesting a parser or a validator may recurse into: up to 10,000 levels, within the body limit. */
export const deepNesting = fc
  .tuple(fc.constantFrom(32, 1_000, 4_000, 10_000), fc.constantFrom('array', 'object'))
  .map(([depth, kind]) => new RawJson(kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));

export const hugeArray = fc.constantFrom<unknown>(0, 'x', null, {}, [], { quantity: 1 }).map((item) => new Array(10_000).fill(item));

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 5, arbitrary: hostileNumber },
  { weight: 1, arbitrary: invalidNumberToken },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, {}, [], [null]) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ $gt: '' }, { $ne: null }, ['a', 'b'], { toString: 'x' }, { length: 1e9 }, { value: 1 }) },
  { weight: 1, arbitrary: hugeArray },
  { weight: 1, arbitrary: deepNesting },
);

/** A value the schema accepts, as far as a schema can say; `hints` fill in what it cannot (real emails, tokens). */
export function validValue(schema: Schema, hints: Record<string, fc.Arbitrary<unknown>>, name?: string): fc.Arbitrary<unknown> {
  if (name && hints[name]) return hints[name];
  if (schema.nullable === true) return fc.option(validValue({ ...schema, nullable: false }, hints), { nil: null, freq: 5 });
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'email') return emailAddress;
      if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
      return fc
        .string({ minLength: (schema.minLength as number | undefined) ?? 1, maxLength: Math.min((schema.maxLength as number | undefined) ?? 40, 40) })
        .filter((s) => s.trim().length > 0);
    }
    case 'number':
    case 'integer': {
      const low = min ?? 0;
      if (schema.format === 'decimal')
        return fc.integer({ min: Math.ceil(low * 100), max: Math.min((max ?? 1_000) * 100, 100_000) }).map((cents) => cents / 100);
      return fc.integer({ min: Math.ceil(low), max: Math.min(max ?? low + 50, low + 50) });
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = validValue((schema.items ?? {}) as Schema, hints);
      const minLength = (schema.minItems as number | undefined) ?? 0;
      return fc.array(items, { minLength, maxLength: Math.max(minLength, Math.min((schema.maxItems as number | undefined) ?? 3, 3)) });
    }
    case 'object':
    default: {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      if (!Object.keys(properties).length) return fc.constant({});
      const model = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, validValue(s, hints, key)]));
      return fc.record(model, { requiredKeys: ((schema.required as string[] | undefined) ?? []).filter((key) => key in properties) });
    }
  }
}

export const emailAddress = fc.stringMatching(/^[a-z][a-z0-9._-]{2,14}[a-z0-9]$/).map((local) => `${local}@example.com`);
