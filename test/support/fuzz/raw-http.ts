import { Agent, IncomingHttpHeaders, request } from 'node:http';

/** A request exactly as it goes on the wire: no client-side JSON encoding or header clean-up. */
export interface RawRequest {
  method: string;
  /** Path and query, already percent-encoded (or deliberately not). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  /** 0 when no response came back (connection reset, timeout). */
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Why there was no response. */
  failure?: string;
}

/** Sends with node:http so that malformed JSON, odd content types and raw bytes reach the server untouched. */
export function sendRaw(baseUrl: string, req: RawRequest, agent: Agent | false, timeoutMs = 30_000): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body) headers['content-length'] = req.body.length;
    const outgoing = request({ host: hostname, port, method: req.method, path: req.path, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => resolve({ status: 0, headers: {}, text: '', failure: error.message }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no response within ${timeoutMs} ms`)));
    outgoing.on('error', (error) => resolve({ status: 0, headers: {}, text: '', failure: error.message }));
    outgoing.end(req.body);
  });
}
