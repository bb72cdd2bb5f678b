import { randomUUID } from 'node:crypto';
import { bearer, createTestUser, e2eEnvironment, waitFor, type TestUser } from '../../../../test-kit';
import { createStream } from '../../../../test-kit/aws';
import { ApiProcess } from '../support/api.process';
import { StalledUpload, statusCounts } from '../support/stalled-upload.client';
import { streamUpload } from '../support/streamed-upload.client';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The api as `npm run start:api` runs it (see the README's limits). */
const API_NODE_FLAGS = ['--max-semi-space-size=2'];

/** The attack: 10 users, 150 uploads each, paced at 50/s per user (under the 100/s rate limit). */
const ATTACKERS = 10;
const UPLOADS_PER_ATTACKER = 150;
const UPLOADS_PER_SECOND = 50;
/** Each announces 250 KiB and sends 249 KiB of it, then stalls. */
const DECLARED_BYTES = 250 * KiB;
const SENT_BYTES = 249 * KiB;

const MAX_RSS_RISE_BYTES = 150 * MiB;
const INNOCENT_DEADLINE_MS = 2_000;

const mib = (bytes: number) => (bytes / MiB).toFixed(1);

/**
 * What abusive clients can take from the api, measured on the api's own main.ts (a process of
 * its own, production defaults) on the local cloud: its resident memory under many stalled
 * uploads, an innocent user's latency meanwhile, and the staging slots under one greedy user.
 */
describe('abuse: bounded work per user and in all', () => {
  const env = e2eEnvironment();
  const streamName = `abuse-${randomUUID().slice(0, 8)}`;
  const stalledBody = Buffer.alloc(SENT_BYTES, 7);
  const opened: StalledUpload[] = [];
  let innocent: TestUser;

  beforeAll(async () => {
    await createStream(env, streamName, 1);
    innocent = await createTestUser();
  });

  afterEach(() => {
    for (const upload of opened.splice(0)) upload.destroy();
  });

  const uploadWhole = (api: ApiProcess, user: TestUser, totalBytes: number) =>
    streamUpload(`${api.url}/uploads`, {
      headers: { Authorization: bearer(user), 'Content-Type': 'application/octet-stream' },
      totalBytes,
      declareLength: true,
    });

  /** Opens `count` stalled uploads for `user`, one every 1/rate s; returns them as they were opened. */
  async function stallUploads(api: ApiProcess, user: TestUser, count: number, declaredBytes: number, body: Buffer): Promise<StalledUpload[]> {
    const uploads: StalledUpload[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      // Pacing the load generator, not waiting for a result.
      const due = started + (i * 1000) / UPLOADS_PER_SECOND - performance.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      const upload = new StalledUpload(api.url, { authorization: bearer(user), declaredBytes, body });
      uploads.push(upload);
      opened.push(upload);
    }
    return uploads;
  }

  /** Every upload answered, closed, or with all its bytes handed to the api. */
  const settled = (uploads: readonly StalledUpload[]) => uploads.every((upload) => upload.answer !== undefined || upload.closed || upload.sent);

  describe('10 users × 150 stalled 250 KiB uploads (defaults)', () => {
    let api: ApiProcess;
    let attackers: TestUser[];

    beforeAll(async () => {
      // One at a time: cognito-local's store breaks under concurrent writes.
      attackers = [];
      for (let i = 0; i < ATTACKERS; i++) attackers.push(await createTestUser());
      api = await ApiProcess.start({ ...env.appEnvironment, KINESIS_STREAM_NAME: streamName }, API_NODE_FLAGS);
    }, 120_000);

    afterAll(async () => {
      await api?.stop();
    });

    it('keeps the api’s RSS within +150 MiB, an innocent upload gets 202 in under 2 s, and the stalled ones end with 408', async () => {
      // Warm up what staged uploads use, so the measurement is of the attack, not of JIT and first allocations.
      expect((await uploadWhole(api, innocent, DECLARED_BYTES)).status).toBe(202);
      const before = api.memory().rssBytes;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, api.memory().rssBytes)), 20);
      let innocentMs: number;
      let innocentStatus: number;
      let uploads: StalledUpload[];
      const attackStarted = performance.now();
      let openedInMs = 0;
      try {
        uploads = (await Promise.all(attackers.map((user) => stallUploads(api, user, UPLOADS_PER_ATTACKER, DECLARED_BYTES, stalledBody)))).flat();
        openedInMs = performance.now() - attackStarted;
        await waitFor(() => settled(uploads), { timeoutMs: 30_000, description: 'every stalled upload answered or sent' });
        // An innocent user's upload while the attack's uploads are held open.
        const started = performance.now();
        innocentStatus = (await uploadWhole(api, innocent, DECLARED_BYTES)).status;
        innocentMs = performance.now() - started;
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, api.memory().rssBytes, api.memory().peakRssBytes);
      const duringAttack = statusCounts(uploads);
      const held = uploads.filter((upload) => upload.answer === undefined && !upload.closed);

      // The held uploads are cut off by the minimum body rate, long before the request timeout.
      await waitFor(() => held.every((upload) => upload.closed), { timeoutMs: 60_000, description: 'the held uploads to be closed' });
      const cutOffAfterMs = Math.max(...held.map((upload) => upload.answer?.afterStallMs ?? Infinity));
      const rise = peak - before;
      console.info(
        `abuse: ${ATTACKERS} users × ${UPLOADS_PER_ATTACKER} stalled uploads (${SENT_BYTES / KiB} of ${DECLARED_BYTES / KiB} KiB) ` +
          `opened in ${(openedInMs / 1000).toFixed(1)} s → ${JSON.stringify(duringAttack)}; ` +
          `api RSS ${mib(before)} MiB before, peak ${mib(peak)} MiB: +${mib(rise)} MiB (limit +${mib(MAX_RSS_RISE_BYTES)}); ` +
          `innocent 250 KiB upload: ${innocentStatus} in ${innocentMs.toFixed(0)} ms; ` +
          `the ${held.length} held uploads: ${JSON.stringify(statusCounts(held))}, the last ${(cutOffAfterMs / 1000).toFixed(1)} s after its stall`,
      );

      expect(rise).toBeLessThan(MAX_RSS_RISE_BYTES);
      expect(innocentStatus).toBe(202);
      expect(innocentMs).toBeLessThan(INNOCENT_DEADLINE_MS);
      // Refused before their bodies were read (429: the user's own uploads under way), or held, nothing else.
      expect(Object.keys(duringAttack).sort()).toEqual(['429', 'open']);
      expect(held.length).toBeLessThanOrEqual(ATTACKERS * 8);
      expect(statusCounts(held)).toEqual({ 408: held.length });
      expect(cutOffAfterMs).toBeLessThan(60_000);
    }, 180_000);
  });

  describe('one user holding the staging slots', () => {
    const SLOTS = 32;
    let api: ApiProcess;
    let greedy: TestUser;

    beforeAll(async () => {
      greedy = await createTestUser();
      // No per-user upload limit in the way: only the staging slots' fair share stands between
      // the greedy user and every slot.
      api = await ApiProcess.start(
        { ...env.appEnvironment, KINESIS_STREAM_NAME: streamName, UPLOAD_MAX_CONCURRENT_PER_USER: '1000', UPLOAD_MAX_CONCURRENT_STAGED: String(SLOTS) },
        API_NODE_FLAGS,
      );
    }, 60_000);

    afterAll(async () => {
      await api?.stop();
    });

    it('does not block another user’s large upload', async () => {
      // 1 MiB announced, 256 KiB sent: each one, once past the inline threshold, wants a slot.
      const uploads = await stallUploads(api, greedy, SLOTS, 1 * MiB, Buffer.alloc(256 * KiB, 3));
      await waitFor(() => settled(uploads), { timeoutMs: 30_000, description: 'every greedy upload answered or sent' });
      const greedyCounts = statusCounts(uploads);
      const started = performance.now();
      const other = await uploadWhole(api, innocent, 1 * MiB);
      const otherMs = performance.now() - started;
      console.info(
        `abuse: one user opens ${SLOTS} stalled 1 MiB uploads against ${SLOTS} staging slots → ${JSON.stringify(greedyCounts)} ` +
          `(open: holding a slot); another user's 1 MiB upload: ${other.status} in ${otherMs.toFixed(0)} ms`,
      );
      expect(greedyCounts.open).toBeLessThanOrEqual(SLOTS / 2);
      expect(greedyCounts['429']).toBe(SLOTS - greedyCounts.open);
      expect(other.status).toBe(202);
    }, 60_000);
  });
});
