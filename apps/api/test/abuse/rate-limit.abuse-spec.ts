import { randomUUID } from 'node:crypto';
import { e2eEnvironment } from '../../../../test-kit';
import { redisServerAvailable } from '../../../../test-kit/redis-server';
import { ApiProcess } from '../support/api.process';
import { ConcurrentLoad } from '../support/concurrent-load';

jest.setTimeout(120_000);

/** Small limits, so a few seconds of flooding show them: 20 requests/s sustained, bursts of 40. */
const USER_LIMIT = { perSecond: 20, burst: 40 };
/** Refused tokens per address: 1/s, bursts of 10. */
const FAILURE_LIMIT = { perSecond: 1, burst: 10 };
const FLOOD_MS = 3_000;
/** Clients per api process, each sending its next request as soon as the last was answered. */
const CLIENTS_PER_API = 4;

interface FloodResult {
  /** Answers by status, per api process. */
  statuses: Array<Record<number, number>>;
  elapsedSeconds: number;
}

/**
 * The abuse suite's part for rate limits: one user (and one flooding address) against two api
 * processes at once, as behind a load balancer. With the shared store (redis-server from the
 * local cloud, ElastiCache on AWS) the two together accept what one bucket allows; without
 * it each process has its own bucket and the user gets twice the rate.
 */
describe('rate limits across two api processes', () => {
  const env = e2eEnvironment();
  const withRedis = redisServerAvailable('the rate-limit abuse suite');
  const apiEnvironment: Record<string, string> = {
    ...env.appEnvironment,
    RATE_LIMIT_PER_SECOND: String(USER_LIMIT.perSecond),
    RATE_LIMIT_BURST: String(USER_LIMIT.burst),
    RATE_LIMIT_AUTH_FAILURES_PER_SECOND: String(FAILURE_LIMIT.perSecond),
    RATE_LIMIT_AUTH_FAILURES_BURST: String(FAILURE_LIMIT.burst),
  };
  const apis: ApiProcess[] = [];
  const startPair = async (environment: Record<string, string>) => {
    const pair = await Promise.all([ApiProcess.start(environment), ApiProcess.start(environment)]);
    apis.push(...pair);
    return pair;
  };
  afterAll(async () => {
    // What the limiter said in each process (a fallback to in-process buckets would show here).
    const said = apis.flatMap((api, i) => api.logLines().filter((line) => line.includes('"context":"RateLimit"')).map((line) => `api ${i + 1}: ${line}`));
    process.stdout.write(`\n[abuse] rate-limit log lines:\n${said.join('\n')}\n`);
    await Promise.all(apis.map((api) => api.stop()));
  });

  /** Sends GET /uploads/<random id> to every api at once for FLOOD_MS: 404 = let through, 429 = limited. */
  async function flood(targets: ApiProcess[], authorization: string): Promise<FloodResult> {
    const statuses = targets.map(() => ({}) as Record<number, number>);
    const startedAt = performance.now();
    const loads = targets.map(
      (api, i) =>
        new ConcurrentLoad(CLIENTS_PER_API, async () => {
          if (performance.now() - startedAt >= FLOOD_MS) return void loads[i].stop();
          const res = await fetch(`${api.url}/uploads/${randomUUID()}`, { headers: { authorization } });
          await res.arrayBuffer();
          statuses[i][res.status] = (statuses[i][res.status] ?? 0) + 1;
        }, 100_000),
    );
    await Promise.all(loads.map((load) => load.finished));
    return { statuses, elapsedSeconds: (performance.now() - startedAt) / 1000 };
  }

  const total = (result: FloodResult, status: number) => result.statuses.reduce((sum, counts) => sum + (counts[status] ?? 0), 0);
  const report = (title: string, result: FloodResult, status: number, bound: number) => {
    const per = result.statuses.map((counts, i) => `api ${i + 1}: ${counts[status] ?? 0} let through, ${counts[429] ?? 0} × 429`).join('; ');
    process.stdout.write(
      `\n[abuse] ${title}: ${total(result, status)} let through in ${result.elapsedSeconds.toFixed(2)} s ` +
        `(bound ${bound.toFixed(0)}), ${total(result, 429)} × 429 — ${per}\n`,
    );
  };
  /** What one bucket allows over the run: the burst, plus what refills meanwhile, plus one for rounding. */
  const allowance = (limit: { perSecond: number; burst: number }, seconds: number) => limit.burst + limit.perSecond * seconds + 1;

  (withRedis ? it : it.skip)('holds one user to one limit across both processes (shared store)', async () => {
    expect(apiEnvironment.RATE_LIMIT_REDIS_URL).toMatch(/^redis:\/\//);
    const pair = await startPair(apiEnvironment);
    const result = await flood(pair, `Bearer ${env.users.demo.accessToken}`);
    const bound = allowance(USER_LIMIT, result.elapsedSeconds);
    report('one user, two apis, shared buckets', result, 404, bound);
    expect(total(result, 404)).toBeLessThanOrEqual(bound);
    // Both processes served the user (the load was really spread), and most of the flood was refused.
    for (const counts of result.statuses) expect(counts[404]).toBeGreaterThan(0);
    expect(total(result, 429)).toBeGreaterThan(total(result, 404));
    expect(Object.keys(result.statuses[0]).concat(Object.keys(result.statuses[1])).every((s) => s === '404' || s === '429')).toBe(true);
  });

  (withRedis ? it : it.skip)('limits a flood of bad tokens from one address across both processes', async () => {
    const pair = apis.length >= 2 ? apis.slice(0, 2) : await startPair(apiEnvironment);
    const result = await flood(pair, 'Bearer made.up.token');
    // Failures are counted after each answer: each process may verify a few more while its
    // counts are in flight, and learns of the block from its own first refusal (one per
    // second each, as the block's Retry-After runs out).
    const slack = pair.length * (CLIENTS_PER_API + Math.ceil(result.elapsedSeconds) + 1);
    const bound = allowance(FAILURE_LIMIT, result.elapsedSeconds) + slack;
    report('bad tokens from one address, two apis', result, 401, bound);
    expect(total(result, 401)).toBeLessThanOrEqual(bound);
    expect(total(result, 429)).toBeGreaterThan(10 * total(result, 401));
  });

  it('without the shared store, each process keeps its own buckets: the same user gets about twice the limit', async () => {
    const { RATE_LIMIT_REDIS_URL: _shared, ...perProcess } = apiEnvironment;
    const pair = await startPair(perProcess);
    const result = await flood(pair, `Bearer ${env.users.other.accessToken}`);
    const bound = allowance(USER_LIMIT, result.elapsedSeconds);
    report('one user, two apis, buckets per process', result, 404, bound);
    // What the shared store prevents: this is the number the first test holds under the bound.
    expect(total(result, 404)).toBeGreaterThan(bound);
  });
});
