import request from 'supertest';
import { createDynamoDbDocumentClient } from '@lib/aws';
import { bearer, createTestUser, e2eEnvironment, startPipeline, waitFor, type TestPipeline, type TestUser } from '../../../test-kit';
import { localAwsOptions } from '../../../test-kit/aws';
import { UploadListingRepository } from '@lib/upload-status';

interface Listed {
  id: string;
  file_key: string;
  original_name?: string;
  status: string;
  size: number;
  content_type: string;
  accepted_at: string;
  updated_at: string;
}
interface Page {
  items: Listed[];
  next: string | null;
}

/**
 * `GET /uploads` through the real path: uploads made with `POST /uploads`, stored by a worker,
 * deleted with `DELETE /uploads/:id`, listed from the owner index of the local cloud's table.
 * Owners of their own: other suites' uploads never show up here.
 */
describe('listing uploads (GET /uploads)', () => {
  const env = e2eEnvironment();
  let pipeline: TestPipeline;
  let owner: TestUser;
  let stranger: TestUser;
  const api = () => request(pipeline.api.getHttpServer());

  beforeAll(async () => {
    [owner, stranger] = await Promise.all([createTestUser(), createTestUser()]);
    pipeline = await startPipeline({ stream: { prefix: 'e2e-list', shards: 2 } });
  });

  afterAll(() => pipeline?.close());

  async function upload(user: TestUser, name: string): Promise<string> {
    const res = await api().post('/uploads').set('Authorization', bearer(user)).set('Content-Type', 'text/plain').set('X-Filename', name).send(`${name}\n`).expect(202);
    return res.body.id as string;
  }

  async function list(user: TestUser, query: Record<string, string | number> = {}): Promise<Page> {
    return (await api().get('/uploads').query(query).set('Authorization', bearer(user)).expect(200)).body as Page;
  }

  /** Every page, following `next`. */
  async function listAll(user: TestUser, query: Record<string, string | number>): Promise<Page[]> {
    const pages = [await list(user, query)];
    while (pages.at(-1)!.next !== null) pages.push(await list(user, { ...query, cursor: pages.at(-1)!.next! }));
    return pages;
  }

  /** Uploads one after another, so each is accepted after the previous one. */
  async function uploadInOrder(user: TestUser, names: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const name of names) ids.push(await upload(user, name));
    return ids;
  }

  const storedAll = (user: TestUser, ids: string[]) =>
    waitFor(
      async () => {
        const pages = await listAll(user, { limit: 100 });
        const stored = new Set(pages.flatMap((p) => p.items).filter((item) => item.status === 'stored').map((item) => item.id));
        return ids.every((id) => stored.has(id));
      },
      { timeoutMs: 30_000, description: `${ids.length} uploads listed as stored` },
    );

  it('lists the caller\'s uploads newest first, from the 202 on and once stored, with their facts', async () => {
    const ids = await uploadInOrder(owner, ['first.txt', 'second.txt', 'third.txt']);
    // Listed at once: the api's pending items are in the index as soon as the 202 is sent.
    const right = await list(owner);
    expect(right.items.map((item) => item.id)).toEqual([...ids].reverse());
    expect(right.next).toBeNull();

    await storedAll(owner, ids);
    const { items } = await list(owner);
    expect(items.map((item) => item.original_name)).toEqual(['third.txt', 'second.txt', 'first.txt']);
    expect(items[0]).toEqual({
      id: ids[2],
      file_key: `uploads/${ids[2]}.txt`,
      original_name: 'third.txt',
      status: 'stored',
      size: 'third.txt\n'.length,
      content_type: 'text/plain',
      accepted_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    const times = items.map((item) => item.accepted_at);
    expect([...times].sort().reverse()).toEqual(times);
    // Each upload once, with its own item's status: never also as the pending item it replaced.
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
  });

  it('pages through more than one page with the opaque cursor, each upload exactly once, in order', async () => {
    const user = await createTestUser();
    const ids = await uploadInOrder(user, Array.from({ length: 7 }, (_, i) => `page-${i}.txt`));
    await storedAll(user, ids);
    const pages = await listAll(user, { limit: 3 });
    expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual([...ids].reverse());
    expect(pages[0].next).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('never lists another user\'s uploads, even with their cursor', async () => {
    const theirs = await upload(stranger, 'stranger.txt');
    const mine = await list(owner, { limit: 100 });
    expect(mine.items.map((item) => item.id)).not.toContain(theirs);
    const strangersPage = await list(stranger, { limit: 1 });
    expect(strangersPage.items.map((item) => item.id)).toEqual([theirs]);

    // The owner's own cursor, used by the stranger: a place in the stranger's list, not the owner's.
    const ownerFirst = await list(owner, { limit: 1 });
    const crossed = await list(stranger, { cursor: ownerFirst.next! });
    expect(crossed.items.every((item) => item.id === theirs)).toBe(true);
  });

  it('filters by status and leaves deleted uploads out', async () => {
    const user = await createTestUser();
    const [kept, deleted] = await uploadInOrder(user, ['kept.txt', 'deleted.txt']);
    await storedAll(user, [kept, deleted]);
    await api().delete(`/uploads/${deleted}`).set('Authorization', bearer(user)).expect(202);
    await waitFor(async () => (await list(user)).items.every((item) => item.id !== deleted), {
      timeoutMs: 20_000,
      description: 'the deleted upload to leave the list',
    });
    expect((await list(user)).items.map((item) => item.id)).toEqual([kept]);
    expect((await list(user, { status: 'stored' })).items.map((item) => item.id)).toEqual([kept]);
    expect((await list(user, { status: 'pending' })).items).toEqual([]);
  });

  it('answers 400 to a bad cursor, limit or status, and 401 without a token', async () => {
    const bad = async (query: Record<string, string>) =>
      (await api().get('/uploads').query(query).set('Authorization', bearer(owner)).expect(400)).body;
    const forged = Buffer.from('not-a-list-key').toString('base64url');
    for (const cursor of ['!!!', forged, 'x'.repeat(500)]) expect((await bad({ cursor })).message).toMatch(/cursor/);
    for (const limit of ['0', '101', 'ten', '2.5']) expect(JSON.stringify(await bad({ limit }))).toMatch(/limit/);
    expect(JSON.stringify(await bad({ status: 'deleted' }))).toMatch(/status/);
    await api().get('/uploads').expect(401);
  });

  it('costs one query of the owner index for a page of 25', async () => {
    const user = await createTestUser();
    const ids = await uploadInOrder(user, Array.from({ length: 26 }, (_, i) => `cost-${i}.txt`));
    await storedAll(user, ids);
    // The repository the api uses, on a client that counts what it sends.
    const client = createDynamoDbDocumentClient(localAwsOptions(env));
    const queries: unknown[] = [];
    client.middlewareStack.add((next, context) => (args) => {
      if (context.commandName === 'QueryCommand') queries.push(args.input);
      return next(args);
    }, { step: 'initialize' });
    const page = await new UploadListingRepository(client, env.uploadsTable).list(user.sub, { limit: 25 });
    expect(page.uploads).toHaveLength(25);
    expect(page.next).toBeDefined();
    expect(queries).toHaveLength(1);
    client.destroy();
  });
});
