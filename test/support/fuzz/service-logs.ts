/** The message of the error a service logged as unhandled for one request, from the stack's collected log lines. */
export function unhandledErrorFor(logs: readonly string[], requestId: string): string | undefined {
  const marker = `"requestId":${JSON.stringify(requestId)}`;
  for (const line of logs) {
    if (!line.includes(marker) || !line.includes('"Unhandled error"')) continue;
    try {
      const entry = JSON.parse(line.slice(line.indexOf('{'))) as { err?: { type?: string; message?: string } };
      return entry.err?.message?.slice(0, 160);
    } catch {
      continue;
    }
  }
  return undefined;
}
