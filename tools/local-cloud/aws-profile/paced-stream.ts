import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes bytes through no faster than `bytesPerSecond`, one chunk at a time, so a large body
 * streams at the bandwidth the profile assumes instead of being held in memory: the n-th byte
 * leaves no earlier than `start + n / rate` (cumulative, so timer granularity does not drift).
 * `ended` resolves once the last byte has passed.
 */
export class PacedStream extends Transform {
  private startedAt: number | undefined;
  private passed = 0;
  readonly ended: Promise<void>;

  constructor(private readonly bytesPerSecond: number) {
    super();
    this.ended = new Promise((resolve) => this.once('end', resolve));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!(this.bytesPerSecond > 0 && Number.isFinite(this.bytesPerSecond))) return callback(null, chunk);
    this.startedAt ??= performance.now();
    this.passed += chunk.length;
    const wait = this.startedAt + (this.passed / this.bytesPerSecond) * 1000 - performance.now();
    if (wait <= 1) return callback(null, chunk);
    setTimeout(() => callback(null, chunk), wait);
  }
}
