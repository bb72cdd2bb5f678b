import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PacedStream } from './paced-stream';

describe('PacedStream', () => {
  it('passes every byte, in order, no faster than its rate', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => Buffer.alloc(10_000, i));
    const received: Buffer[] = [];
    const started = performance.now();
    // 100,000 bytes at 500,000 B/s: at least 200 ms (minus the first chunk's share).
    await pipeline(Readable.from(chunks), new PacedStream(500_000), async function* (source) {
      for await (const chunk of source) received.push(chunk as Buffer);
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(170);
    expect(Buffer.concat(received)).toEqual(Buffer.concat(chunks));
  });

  it('does not hold bytes at an unlimited rate', async () => {
    const paced = new PacedStream(Infinity);
    const started = performance.now();
    await pipeline(Readable.from([Buffer.alloc(1_000_000)]), paced, async function* (source) {
      for await (const _ of source) void _;
    });
    await paced.ended;
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
