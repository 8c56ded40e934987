import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The id of the request being handled, which every log line written meanwhile carries. */
export const currentRequestId = new AsyncLocalStorage<string>();

export const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's `X-Request-Id` when it is safe to log, else makes one. */
export function requestIdFor(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && ACCEPTABLE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  // Kept on the raw request too, where the log serializer reads it: log line, error body and response header agree.
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}
