/** Where the bytes of a received file are: in memory (small) or staged in the bucket (large). */
export type ReceivedBody = { kind: 'inline'; bytes: Buffer } | { kind: 'staged'; key: string; etag?: string };

/** A file the intake read to its end, with what it measured on the way. */
export interface ReceivedFile {
  size: number;
  sha256: string;
  body: ReceivedBody;
}
