import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { e2eEnvironment, waitFor } from '../../../test-kit';
import { createStream } from '../../../test-kit/aws';
import { WorkerProcess, type StoredLine } from '../../worker/test/support/worker.process';
import { ApiProcess } from './support/api.process';

interface LogEntry {
  level: number;
  service: string;
  msg?: string;
  requestId?: string;
  [field: string]: unknown;
}

/** The JSON lines of a process's output (pino's), skipping anything else it printed. */
function entriesOf(lines: readonly string[]): LogEntry[] {
  return lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as unknown;
      return typeof entry === 'object' && entry !== null ? [entry as LogEntry] : [];
    } catch {
      return [];
    }
  });
}

/**
 * One upload followed by its correlation id through both apps' real logs, and the metrics
 * both write for CloudWatch: the api and the worker as processes of their own (their main.ts,
 * production log settings), on a stream of this suite's own.
 */
describe('logs and metrics (api process → worker process)', () => {
  const env = e2eEnvironment();
  const streamName = `e2e-logs-${randomUUID().slice(0, 8)}`;
  const token = env.users.demo.accessToken;
  const stored: StoredLine[] = [];
  let api: ApiProcess;
  let worker: WorkerProcess;

  beforeAll(async () => {
    await createStream(env, streamName, 1);
    const appEnv = { ...env.appEnvironment, KINESIS_STREAM_NAME: streamName, LOG_LEVEL: 'info', LOG_FORMAT: 'json', METRICS_FLUSH_INTERVAL_S: '1' };
    [api, worker] = await Promise.all([ApiProcess.start(appEnv), WorkerProcess.start('logs', appEnv, (line) => stored.push(line))]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.kill('SIGTERM')]);
  });

  it('carries the caller’s X-Request-Id from the request line to the worker’s "stored" line', async () => {
    const requestId = `trace-${randomUUID()}`;
    const secret = `file-content-${randomUUID()}`;
    const res = await request(api.url)
      .post('/uploads')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'text/plain')
      .set('X-Request-Id', requestId)
      .send(secret)
      .expect(202);
    expect(res.headers['x-request-id']).toBe(requestId);

    const storedLine = await waitFor(() => stored.find((line) => line.correlationId === requestId), {
      timeoutMs: 30_000,
      description: 'the worker to log the upload as stored',
    });
    expect(storedLine).toMatchObject({ uploadId: res.body.id, fileKey: res.body.file_key, shardId: expect.stringMatching(/^shardId-/) });
    expect(storedLine.sequenceNumber).toMatch(/^\d+$/);

    const apiEntries = entriesOf(api.logLines());
    const accepted = apiEntries.find((entry) => entry.msg === 'upload accepted' && entry.correlationId === requestId);
    // The publisher does not name requestId: the request context (LOG_REQUEST_CONTEXT, on by
    // default) puts it on every line logged while the request is served.
    expect(accepted).toMatchObject({ service: 'api', requestId, uploadId: res.body.id, fileKey: res.body.file_key });
    const completed = await waitFor(
      () => entriesOf(api.logLines()).find((entry) => entry.msg === 'request completed' && entry.requestId === requestId),
      { timeoutMs: 5_000, description: 'the request line' },
    );
    expect(completed).toMatchObject({ service: 'api', req: { method: 'POST', path: '/uploads' }, res: { statusCode: 202 } });
    expect(typeof completed.userSub).toBe('string');

    const workerEntries = entriesOf(worker.lines).filter((entry) => entry.correlationId === requestId);
    expect(workerEntries.map((entry) => entry.service)).toEqual(['worker']);

    // Neither the token nor the file's bytes are ever written.
    const everything = [...api.logLines(), ...worker.lines].join('\n');
    expect(everything).not.toContain(token.split('.')[2]);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('replaces an unusable X-Request-Id with a UUID, and logs the query string of no request', async () => {
    const res = await request(api.url)
      .get('/uploads/00000000-0000-4000-8000-000000000000?code=secret-code')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', 'two words; {"injected":true}')
      .expect(404);
    const requestId = res.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = await waitFor(() => entriesOf(api.logLines()).find((entry) => entry.requestId === requestId && entry.msg === 'request completed'), {
      timeoutMs: 5_000,
      description: 'the request line',
    });
    expect(line).toMatchObject({ level: 40, req: { path: '/uploads/00000000-0000-4000-8000-000000000000' }, res: { statusCode: 404 } });
    expect(api.logLines().join('\n')).not.toContain('secret-code');
  });

  it('writes CloudWatch embedded-metric-format lines: uploads accepted and refused, records handled', async () => {
    await request(api.url).post('/uploads').set('Content-Type', 'text/plain').send('no token').expect(401);
    await request(api.url).post('/uploads').set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/plain').send('counted').expect(202);
    const emf = (entries: LogEntry[], metric: string) => entries.filter((entry) => entry._aws !== undefined && metric in entry);
    // The first test's upload and this one's: the worker's lines may be spread over flushes.
    const sum = (entries: LogEntry[], metric: string) => emf(entries, metric).reduce((total, entry) => total + Number(entry[metric]), 0);
    await waitFor(() => sum(entriesOf(worker.lines), 'RecordsHandled') >= 2, { timeoutMs: 15_000, description: 'RecordsHandled in the worker’s metrics' });
    await waitFor(() => emf(entriesOf(api.logLines()), 'UploadsRefused').length > 0 && sum(entriesOf(api.logLines()), 'UploadsAccepted') >= 2, {
      timeoutMs: 15_000,
      description: 'UploadsRefused and both UploadsAccepted in the api’s metrics',
    });

    const [handled] = emf(entriesOf(worker.lines), 'RecordsHandled');
    expect(handled).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'NestKinesisUploads', Dimensions: [['Service', 'Pattern']] }] },
      Service: 'worker',
      Pattern: 'file.uploaded',
    });
    expect(Array.isArray(handled.RecordEndToEndLatency)).toBe(true);
    const apiEntries = entriesOf(api.logLines());
    expect(emf(apiEntries, 'UploadsRefused')).toContainEqual(expect.objectContaining({ Service: 'api', Reason: 'unauthenticated', UploadsRefused: 1 }));
    expect(emf(apiEntries, 'PublishCalls').length).toBeGreaterThan(0);
  });
});
