import { connect, type Socket } from 'node:net';

/** The answer the server gave a stalled upload, if any, as the raw socket saw it. */
export interface StalledUploadAnswer {
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** Milliseconds from the stall (the last byte sent) to the answer. */
  afterStallMs: number;
}

export interface StalledUploadOptions {
  authorization: string;
  /** The Content-Length the head announces. */
  declaredBytes: number;
  /** The bytes actually sent (the same buffer may be shared by many uploads). */
  body: Buffer;
}

/**
 * A `POST /uploads` over a raw socket that sends its head and part of its body, then stalls:
 * the slow or abusive client the api must bound. It never sends more; it only listens for an
 * answer and for the server closing the socket.
 */
export class StalledUpload {
  /** The answer's status line and headers, once they arrived. */
  answer: StalledUploadAnswer | undefined;
  closed = false;
  private received = '';
  private stalledAt = performance.now();
  private readonly socket: Socket;
  private readonly ended: Promise<void>;

  constructor(url: string, options: StalledUploadOptions) {
    const { hostname, port } = new URL(url);
    const head = [
      'POST /uploads HTTP/1.1',
      `Host: ${hostname}:${port}`,
      `Authorization: ${options.authorization}`,
      'Content-Type: application/octet-stream',
      `Content-Length: ${options.declaredBytes}`,
      '',
      '',
    ].join('\r\n');
    this.socket = connect(Number(port), hostname);
    this.socket.write(head);
    this.socket.write(options.body, () => (this.stalledAt = performance.now()));
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    // The server may close while the body is still going out: EPIPE / ECONNRESET are expected.
    this.socket.on('error', () => undefined);
    this.ended = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.closed = true;
        resolve();
      }),
    );
  }

  /** Whether the head and every body byte went out to the kernel (the server may still be reading). */
  get sent(): boolean {
    return this.socket.writableLength === 0;
  }

  /** Resolves once the server (or {@link destroy}) closed the socket. */
  whenClosed(): Promise<void> {
    return this.ended;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    if (this.answer !== undefined) return;
    this.received += chunk.toString('latin1');
    const headEnd = this.received.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const [statusLine, ...lines] = this.received.slice(0, headEnd).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    this.answer = { status: Number(statusLine.split(' ')[1]), headers, afterStallMs: performance.now() - this.stalledAt };
  }
}

/** How many stalled uploads got each status ("open": held with no answer; "closed": closed with none). */
export function statusCounts(uploads: readonly StalledUpload[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const upload of uploads) {
    const key = upload.answer !== undefined ? String(upload.answer.status) : upload.closed ? 'closed' : 'open';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
