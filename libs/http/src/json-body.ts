import type { FastifyInstance } from 'fastify';
import { RequestValidationError, UnacceptableBodyError } from '@app/errors';

const MAX_DEPTH = 32;
/** Keys that name Object.prototype members slip past class-validator's unknown-field check. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/**
 * JSON bodies, checked before anything else reads them: nesting is bounded (deep nesting overflows
 * the transformer's stack), strings must be valid Unicode without NUL (PostgreSQL refuses both),
 * and keys may not name Object.prototype members.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new UnacceptableBodyError('Request body is empty; send a JSON object');
  if (nestingDepth(text) > MAX_DEPTH) throw new UnacceptableBodyError(`Request body is nested more than ${MAX_DEPTH} levels deep`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UnacceptableBodyError('Request body is not valid JSON');
  }
  inspect(value, '');
  return value;
}

function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) deepest = Math.max(deepest, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

function inspect(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !value.isWellFormed()) {
      throw new RequestValidationError([{ field: path || 'body', messages: [`${path || 'body'} must be valid Unicode text without NUL characters`] }]);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => inspect(item, path ? `${path}.${i}` : String(i)));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw new RequestValidationError([{ field: key, messages: [`property ${key} should not exist`] }]);
      inspect(item, path ? `${path}.${key}` : key);
    }
  }
}

/** Query parameters get the same key rule as bodies. */
export function assertQueryKeys(query: unknown): void {
  if (!query || typeof query !== 'object') return;
  for (const key of Object.keys(query)) {
    if (FORBIDDEN_KEYS.has(key)) throw new RequestValidationError([{ field: key, messages: [`property ${key} should not exist`] }]);
  }
}

export function installJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Any other type: an empty body is no body (clients send form types on bodiless POSTs); anything else is 415.
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    done(Object.assign(new Error('Unsupported content type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    try {
      assertQueryKeys(request.query);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}
