import { open, type FileHandle } from 'node:fs/promises';

/** The worker's line for each stored file (FilesController): `stored uploads/<id>.<ext> (...) upload=<id> ...`. */
const STORED_LINE = /stored uploads\/([0-9a-f-]{36})\.[a-z0-9]+ /g;
const NOT_STORED_LINE = /not stored \(attempt/g;

/**
 * Follows a worker's log file and counts the distinct uploads it reports as stored, reading
 * only what was appended since the last call (the file grows by megabytes during a drain).
 */
export class StoredLogCounter {
  readonly storedIds = new Set<string>();
  /** "stored" lines for an id already seen: redeliveries. */
  duplicates = 0;
  notStored = 0;
  private offset = 0;
  private partial = '';

  private constructor(private readonly file: FileHandle) {}

  static async open(path: string): Promise<StoredLogCounter> {
    return new StoredLogCounter(await open(path, 'r'));
  }

  /** Reads what was appended since the last call; returns the distinct stored count. */
  async poll(): Promise<number> {
    const chunk = Buffer.alloc(1 << 20);
    for (;;) {
      const { bytesRead } = await this.file.read(chunk, 0, chunk.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      const text = this.partial + chunk.toString('utf8', 0, bytesRead);
      const end = text.lastIndexOf('\n') + 1;
      this.partial = text.slice(end);
      this.count(text.slice(0, end));
    }
    return this.storedIds.size;
  }

  private count(lines: string): void {
    for (const match of lines.matchAll(STORED_LINE)) {
      if (this.storedIds.has(match[1])) this.duplicates += 1;
      else this.storedIds.add(match[1]);
    }
    this.notStored += lines.match(NOT_STORED_LINE)?.length ?? 0;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
