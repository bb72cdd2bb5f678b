/** What one `POST /uploads` got. Times are `performance.now()` milliseconds. */
export interface UploadOutcome {
  status: number;
  id?: string;
  retryAfter: string | null;
  startedAt: number;
  endedAt: number;
  /** A network error or a client-side timeout instead of an answer. */
  error?: string;
}

/** One upload with a keep-alive client (undici's pool), bounded so a hang shows as a result, not a jest timeout. */
export async function postUpload(url: string, authorization: string, body: string | Buffer, contentType = 'text/plain'): Promise<UploadOutcome> {
  const startedAt = performance.now();
  try {
    const res = await fetch(`${url}/uploads`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': contentType },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const answer = (await res.json()) as { id?: string };
    return { status: res.status, id: answer.id, retryAfter: res.headers.get('retry-after'), startedAt, endedAt: performance.now() };
  } catch (error) {
    return { status: 0, retryAfter: null, startedAt, endedAt: performance.now(), error: String(error) };
  }
}

/** Count per status. */
export function tally(outcomes: readonly UploadOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}
