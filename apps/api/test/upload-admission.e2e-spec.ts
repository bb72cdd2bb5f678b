import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { bearer, createTestUser, e2eEnvironment, waitFor, type TestUser } from '../../../test-kit';
import { ApiProcess } from './support/api.process';
import { StalledUpload } from './support/stalled-upload.client';
import { streamUpload } from './support/streamed-upload.client';

const KiB = 1024;

/** Small limits, so that a few sockets reach each of them. */
const LIMITS = {
  UPLOAD_MAX_CONCURRENT_PER_USER: '2',
  UPLOAD_BODY_BYTES_IN_FLIGHT: String(1024 * KiB),
  UPLOAD_MIN_BODY_RATE_BYTES_S: '1024',
  UPLOAD_BODY_RATE_GRACE_S: '1',
  UPLOAD_BODY_RATE_WINDOW_S: '1',
  HTTP_MAX_CONNECTIONS: '8',
};

/**
 * Admission control on `POST /uploads` through the real HTTP stack: the api's own main.ts in a
 * process of its own (it applies the connection cap before listening), raw sockets that hold
 * uploads open, and the answers they get before, or instead of, their bodies being read.
 */
describe('upload admission (the api as a process)', () => {
  const env = e2eEnvironment();
  const opened: StalledUpload[] = [];
  let api: ApiProcess;
  // A user per test that holds uploads open: a test's sockets may still count for a moment after the previous one.
  let holder: TestUser;
  let hoarder: TestUser;
  let staller: TestUser;
  let bystander: TestUser;

  beforeAll(async () => {
    holder = await createTestUser();
    hoarder = await createTestUser();
    staller = await createTestUser();
    bystander = await createTestUser();
    api = await ApiProcess.start({ ...env.appEnvironment, ...LIMITS });
  });

  afterAll(async () => {
    await api?.stop();
  });

  afterEach(() => {
    for (const upload of opened.splice(0)) upload.destroy();
  });

  const stall = (user: TestUser, declaredBytes: number, sentBytes: number) => {
    const upload = new StalledUpload(api.url, { authorization: bearer(user), declaredBytes, body: Buffer.alloc(sentBytes, 1) });
    opened.push(upload);
    return upload;
  };
  const answered = (upload: StalledUpload) =>
    waitFor(() => upload.answer, { timeoutMs: 10_000, description: 'an answer to the stalled upload' });
  const uploadWhole = (user: TestUser, totalBytes: number) =>
    streamUpload(`${api.url}/uploads`, {
      headers: { Authorization: bearer(user), 'Content-Type': 'application/octet-stream', Connection: 'close' },
      totalBytes,
      declareLength: true,
    });

  it('answers a user’s upload over UPLOAD_MAX_CONCURRENT_PER_USER with 429 and Retry-After before reading its body, and closes the connection', async () => {
    stall(holder, 1000, 100);
    stall(holder, 1000, 100);
    // Only the head: a body the api read would have to be sent.
    const third = stall(holder, 1000 * KiB, 0);
    const answer = await answered(third);
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.headers.connection).toBe('close');
    await third.whenClosed();
    // Another user is not held back by the first one's uploads.
    expect((await uploadWhole(bystander, 10 * KiB)).status).toBe(202);
  });

  it('answers 503 with Retry-After to anyone once the uploads under way hold UPLOAD_BODY_BYTES_IN_FLIGHT', async () => {
    const large = stall(hoarder, 900 * KiB, 10 * KiB);
    await waitFor(() => large.sent, { description: 'the large upload’s first bytes sent' });
    const refused = stall(bystander, 200 * KiB, 0);
    const answer = await answered(refused);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.headers.connection).toBe('close');
    // What still fits the budget is taken.
    expect((await uploadWhole(bystander, 10 * KiB)).status).toBe(202);
  });

  it('ends a body that stalls below UPLOAD_MIN_BODY_RATE_BYTES_S with 408 after the grace period and one window, and closes the connection', async () => {
    const stalled = stall(staller, 1000, 100);
    const answer = await answered(stalled);
    await stalled.whenClosed();
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    // Grace (1 s) + one window (1 s), sampled every second; far below the 300 s request timeout.
    expect(answer.afterStallMs).toBeGreaterThanOrEqual(1_500);
    expect(answer.afterStallMs).toBeLessThan(6_000);
  });

  it('keeps a body that arrives slowly but above the minimum rate, for longer than the grace period and several windows', async () => {
    // 2 KiB every 250 ms (8 KiB/s, the minimum is 1 KiB/s) for 4 s: staged, so S3 takes it at the end.
    const chunk = Buffer.alloc(2 * KiB, 5);
    const chunks = 16;
    const status = await new Promise<number>((resolve, reject) => {
      const upload = httpRequest(`${api.url}/uploads`, {
        method: 'POST',
        headers: { Authorization: bearer(staller), 'Content-Type': 'application/octet-stream', 'Content-Length': String(chunk.length * chunks) },
      });
      upload.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      upload.on('error', reject);
      let sent = 0;
      // The client's own pace, not a wait for a result.
      const pace = setInterval(() => {
        upload.write(chunk);
        if (++sent === chunks) {
          clearInterval(pace);
          upload.end();
        }
      }, 250);
    });
    expect(status).toBe(202);
  });

  it('closes connections over HTTP_MAX_CONNECTIONS as they arrive, and takes new ones once others are gone', async () => {
    const sockets: Socket[] = [];
    const closedUnanswered = new Set<Socket>();
    try {
      const { hostname, port } = new URL(api.url);
      for (let i = 0; i < 12; i++) {
        const socket = connect(Number(port), hostname);
        socket.on('error', () => undefined);
        let answered = false;
        socket.on('data', () => (answered = true));
        socket.on('close', () => !answered && closedUnanswered.add(socket));
        await new Promise((resolve) => socket.once('connect', resolve));
        sockets.push(socket);
      }
      // 8 are held; the api drops the others (more if a previous test's socket still counts).
      await waitFor(() => closedUnanswered.size >= 4, { description: 'the connections over the cap closed' });
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    await waitFor(async () => (await uploadWhole(bystander, 100)).status === 202, { description: 'an upload once the sockets are gone' });
  });
});
