import { StringDecoder } from 'node:string_decoder';

const COLOURS = [36, 35, 33, 32, 34, 31];

/** `[tag]` padded to `width`, in one of a few ANSI colours when `colour` is on. */
export function formatTag(tag: string, index: number, colour: boolean, width = 0): string {
  const label = `[${tag}]`.padEnd(width);
  return colour ? `\u001b[${COLOURS[index % COLOURS.length]}m${label}\u001b[39m` : label;
}

/**
 * Turns a child's output chunks into whole lines, each written with a prefix. Chunks may end
 * mid-line or mid-character; the rest waits for the next chunk (or {@link flush}).
 */
export class LinePrefixer {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly prefix: string,
    private readonly write: (text: string) => void,
    private readonly onLine: (line: string) => void = () => undefined,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.emit(line);
  }

  /** Writes a last line that had no newline (when the child has exited). */
  flush(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest !== '') this.emit(rest);
  }

  private emit(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this.write(`${this.prefix} ${line}\n`);
    this.onLine(line);
  }
}
