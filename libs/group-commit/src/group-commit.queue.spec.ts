import { GroupCommitQueue, type ItemOutcome } from './group-commit.queue';

// The queue's batching, retries, bounds and order are specified through its main user,
// libs/kinesis' BatchingRecordSender (batching-record.sender.spec.ts); this covers what
// only other callers use.
describe('GroupCommitQueue', () => {
  it('rejects at once an item its call refused for good, and delivers the rest', async () => {
    const calls: string[][] = [];
    const queue = new GroupCommitQueue<string, string>({
      maxBatchItems: 10,
      maxBatchBytes: 1_000,
      isRetryable: () => true,
      call: async (items) => {
        calls.push([...items]);
        return items.map(
          (item): ItemOutcome<string> =>
            item === 'bad' ? { ok: false, error: new Error('invalid item'), retryable: false } : { ok: true, result: item.toUpperCase() },
        );
      },
    });
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((item) => queue.submit(item, 1)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'A',
      'invalid item',
      'C',
    ]);
    expect(calls.flat().filter((item) => item === 'bad')).toHaveLength(1);
    expect(queue.stats).toMatchObject({ delivered: 2, failed: 1, retried: 0, held: { items: 0, bytes: 0 } });
  });

  it('refuses option values outside what the service allows', () => {
    const call = async () => [];
    expect(() => new GroupCommitQueue({ call, isRetryable: () => true, maxBatchItems: 0, maxBatchBytes: 1 })).toThrow(
      RangeError,
    );
  });
});
