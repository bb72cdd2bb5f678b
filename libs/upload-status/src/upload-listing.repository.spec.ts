import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { listKeyOf, LIST_KEY_PATTERN, OWNER_INDEX_NAME } from './upload-listing';
import { UploadListingRepository } from './upload-listing.repository';
import { pendingKeyOf, type UploadStatus } from './upload-record';

/** Upload n's id; a larger n was accepted later. */
const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const acceptedAtOf = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();

/** The index items of upload n: its pending item and, unless still pending, its own item. */
function itemsOf(n: number, status: UploadStatus) {
  const facts = { file_key: `uploads/${idOf(n)}.txt`, size: n, content_type: 'text/plain', accepted_at: acceptedAtOf(n), list_key: listKeyOf(acceptedAtOf(n), idOf(n)) };
  const pending = { ...facts, id: pendingKeyOf(idOf(n)), status: 'pending', updated_at: acceptedAtOf(n) };
  if (status === 'pending') return [pending];
  const own = { ...facts, id: idOf(n), status, updated_at: acceptedAtOf(n + 1) };
  // DynamoDB does not say in which order it keeps two items with equal index keys: both occur.
  return n % 2 === 0 ? [own, pending] : [pending, own];
}

/**
 * A fake owner index: every upload's items, newest first, answering each Query from below its
 * `:before` up to its Limit, as DynamoDB does.
 */
function serveIndex(mock: ReturnType<typeof mockClient>, uploads: Array<[number, UploadStatus]>): void {
  const items = uploads.sort(([a], [b]) => b - a).flatMap(([n, status]) => itemsOf(n, status));
  mock.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string>; Limit: number }) => {
    const before = input.ExpressionAttributeValues[':before'];
    const rest = items.filter((item) => before === undefined || item.list_key < before);
    const page = rest.slice(0, input.Limit);
    return { Items: page, LastEvaluatedKey: rest.length > input.Limit ? { id: page.at(-1)!.id } : undefined };
  });
}

describe('UploadListingRepository', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const mock = mockClient(doc);
  const repo = new UploadListingRepository(doc, 'file-uploads');
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  beforeEach(() => mock.reset());

  it('lists 25 stored uploads (two items each) with one query of the owner index, newest first', async () => {
    serveIndex(mock, range(1, 40).map((n) => [n, 'stored']));
    const page = await repo.list('sub-1', { limit: 25 });
    expect(page.uploads.map((u) => u.id)).toEqual(range(16, 40).reverse().map(idOf));
    expect(page.next).toBe(listKeyOf(acceptedAtOf(16), idOf(16)));
    expect(mock.commandCalls(QueryCommand)).toHaveLength(1);
    expect(mock.commandCalls(QueryCommand)[0].args[0].input).toMatchObject({
      IndexName: OWNER_INDEX_NAME,
      KeyConditionExpression: '#owner = :owner',
      ExpressionAttributeValues: { ':owner': 'sub-1' },
      ScanIndexForward: false,
      Limit: 51,
    });
  });

  it('shows each upload once, as its own item says, or as pending while it has none', async () => {
    serveIndex(mock, [[3, 'pending'], [2, 'failed'], [1, 'stored']]);
    const page = await repo.list('sub-1', { limit: 10 });
    expect(page.uploads.map((u) => [u.id, u.status])).toEqual([[idOf(3), 'pending'], [idOf(2), 'failed'], [idOf(1), 'stored']]);
    expect(page.uploads[2]).toEqual({
      id: idOf(1),
      file_key: `uploads/${idOf(1)}.txt`,
      size: 1,
      content_type: 'text/plain',
      status: 'stored',
      accepted_at: acceptedAtOf(1),
      updated_at: acceptedAtOf(2),
    });
    expect(page.next).toBeUndefined();
  });

  it('pages without losing or repeating an upload whose two items straddle a query limit', async () => {
    // Pending-only and deleted uploads between stored ones shift where each query's Limit falls,
    // and make the page read on to the last upload a query returned.
    const statusOf = (n: number): UploadStatus => (n % 3 === 0 ? 'pending' : n % 5 === 0 ? 'deleted' : 'stored');
    serveIndex(mock, range(1, 23).map((n) => [n, statusOf(n)]));
    const seen: Array<[string, string]> = [];
    let before: string | undefined;
    do {
      const page = await repo.list('sub-1', { limit: 2, before, status: 'stored' });
      expect(page.uploads.length).toBeLessThanOrEqual(2);
      seen.push(...page.uploads.map((u): [string, string] => [u.id, u.status]));
      before = page.next;
    } while (before !== undefined);
    const stored = range(1, 23).filter((n) => statusOf(n) === 'stored');
    expect(seen).toEqual(stored.reverse().map((n) => [idOf(n), 'stored']));
  });

  it('reads an upload again when a query stopped between its pending item and its own', async () => {
    // Limit 3 ends after upload 3's pending item (odd: its pending item comes first here).
    serveIndex(mock, [[5, 'pending'], [4, 'pending'], [3, 'stored'], [2, 'stored']]);
    const page = await repo.list('sub-1', { limit: 1, status: 'stored' });
    expect(mock.commandCalls(QueryCommand)[0].args[0].input.Limit).toBe(3);
    expect(page.uploads.map((u) => [u.id, u.status])).toEqual([[idOf(3), 'stored']]);
  });

  it('never lists a deleted upload, reading past them to fill the page', async () => {
    serveIndex(mock, [...range(1, 3).map((n): [number, UploadStatus] => [n, 'stored']), ...range(4, 9).map((n): [number, UploadStatus] => [n, 'deleted'])]);
    const page = await repo.list('sub-1', { limit: 3 });
    expect(page.uploads.map((u) => u.id)).toEqual([idOf(3), idOf(2), idOf(1)]);
    expect(page.next).toBeUndefined();
    expect(mock.commandCalls(QueryCommand).length).toBeGreaterThan(1);
  });

  it('bounds the queries of one page: a long run of filtered-out uploads gives a short page that goes on', async () => {
    serveIndex(mock, [[1, 'failed'], ...range(2, 200).map((n): [number, UploadStatus] => [n, 'stored'])]);
    const first = await repo.list('sub-1', { limit: 5, status: 'failed' });
    expect(first.uploads).toEqual([]);
    expect(first.next).toMatch(LIST_KEY_PATTERN);
    expect(mock.commandCalls(QueryCommand)).toHaveLength(4);
    let next = first.next;
    const found: string[] = [];
    while (next !== undefined) {
      const page = await repo.list('sub-1', { limit: 5, status: 'failed', before: next });
      found.push(...page.uploads.map((u) => u.id));
      next = page.next;
    }
    expect(found).toEqual([idOf(1)]);
  });

  it('asks only for uploads older than the cursor', async () => {
    serveIndex(mock, range(1, 5).map((n) => [n, 'stored']));
    const page = await repo.list('sub-1', { limit: 10, before: listKeyOf(acceptedAtOf(3), idOf(3)) });
    expect(page.uploads.map((u) => u.id)).toEqual([idOf(2), idOf(1)]);
    expect(mock.commandCalls(QueryCommand)[0].args[0].input).toMatchObject({
      KeyConditionExpression: '#owner = :owner AND #list < :before',
      ExpressionAttributeNames: { '#owner': 'owner_sub', '#list': 'list_key' },
    });
  });
});
