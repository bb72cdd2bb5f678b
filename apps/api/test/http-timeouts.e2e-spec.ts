import { connect } from 'node:net';
import { e2eEnvironment } from '../../../test-kit';
import { ApiProcess } from './support/api.process';

/** Small timeouts, so that a slow client is cut off within seconds (production: 66 s and 300 s). */
const TIMEOUTS = { HTTP_KEEP_ALIVE_TIMEOUT_S: '1', HTTP_HEADERS_TIMEOUT_S: '2', HTTP_REQUEST_TIMEOUT_S: '3' };
/**
 * Far above the timeouts plus the 1 s check interval, far below Node's default 30 s interval:
 * a server still on the default would hold these sockets past it.
 */
const CUT_OFF_WITHIN_MS = 12_000;

interface Ending {
  /** The first line the server sent, if any (`HTTP/1.1 408 Request Timeout`). */
  statusLine: string;
  elapsedMs: number;
}

/**
 * The server timeouts end to end: the api's own main.ts (which applies them before listening)
 * in a process of its own, and raw sockets that send too little, too slowly.
 */
describe('server timeouts (the api as a process)', () => {
  const env = e2eEnvironment();
  let api: ApiProcess;

  beforeAll(async () => {
    api = await ApiProcess.start({ ...env.appEnvironment, ...TIMEOUTS });
  });

  afterAll(async () => {
    await api?.stop();
  });

  /** Opens a socket, writes `sent`, and resolves when the server closes it (or fails past the deadline). */
  function untilClosed(sent: string, startClockAfterResponse = false): Promise<Ending> {
    const { hostname, port } = new URL(api.url);
    return new Promise((resolve, reject) => {
      let received = '';
      let started = Date.now();
      const socket = connect(Number(port), hostname, () => {
        socket.write(sent);
        started = Date.now();
      });
      const deadline = setTimeout(() => {
        socket.destroy();
        reject(new Error(`the api still held the socket after ${CUT_OFF_WITHIN_MS} ms (received: ${JSON.stringify(received.slice(0, 80))})`));
      }, CUT_OFF_WITHIN_MS);
      socket.on('data', (chunk) => {
        if (startClockAfterResponse && received === '') started = Date.now();
        received += chunk.toString('latin1');
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(deadline);
        resolve({ statusLine: received.split('\r\n')[0], elapsedMs: Date.now() - started });
      });
    });
  }

  it('answers 408 and closes a connection whose request head never completes (slowloris)', async () => {
    const ending = await untilClosed('GET /health HTTP/1.1\r\nHost: api\r\nX-Slow: ');
    expect(ending.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(ending.elapsedMs).toBeGreaterThanOrEqual(1_900);
  });

  it('answers 408 and closes a request whose body stops coming, upload or not', async () => {
    const head = [
      'POST /uploads HTTP/1.1',
      'Host: api',
      `Authorization: Bearer ${env.users.demo.accessToken}`,
      'Content-Type: application/octet-stream',
      'Content-Length: 1000',
      '',
      '',
    ].join('\r\n');
    const ending = await untilClosed(`${head}only the first bytes`);
    expect(ending.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(ending.elapsedMs).toBeGreaterThanOrEqual(2_900);
  });

  it('closes an idle kept-alive connection after the keep-alive timeout', async () => {
    const ending = await untilClosed('GET /health HTTP/1.1\r\nHost: api\r\nConnection: keep-alive\r\n\r\n', true);
    expect(ending.statusLine).toBe('HTTP/1.1 200 OK');
    expect(ending.elapsedMs).toBeGreaterThanOrEqual(900);
  });
});
