import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Set on the raw request once routing is known, for the access log line. */
export const ROUTE_TEMPLATE = Symbol('routeTemplate');

export const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's `X-Request-Id` when it is safe to log, else makes one. */
export function requestIdFor(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && ACCEPTABLE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  // pino-http reuses `req.id`, so the log line, the error body and the response header agree.
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}
