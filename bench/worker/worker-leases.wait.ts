import { get } from 'node:http';

const POLL_MS = 100;

/**
 * Waits until the worker on `port` reports (GET /health/ready, the transport's `leases`) that
 * it holds `count` leases: a worker in production is warm before traffic reaches it, so the
 * latency run starts its load only then. Returns how long that took, in ms.
 */
export async function waitForLeases(port: number, count: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  let last = 'no answer yet';
  while (performance.now() - started < timeoutMs) {
    try {
      const held = await leasesHeld(port);
      if (held >= count) return performance.now() - started;
      last = `${held} leases`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`the worker did not hold ${count} leases within ${timeoutMs} ms (last: ${last})`);
}

/** The transport's lease count from the readiness body (also sent with a 503). */
function leasesHeld(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/health/ready' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          const body = JSON.parse(text) as { details?: { transport?: { leases?: number } } };
          resolve(body.details?.transport?.leases ?? 0);
        } catch (error) {
          reject(error as Error);
        }
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}
