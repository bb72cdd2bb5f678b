import type { Readable } from 'node:stream';

/** The file of an upload as it arrives, before a byte of it has been read. */
export interface UploadSource {
  /** The file's bytes, in order; read once, by the intake. */
  stream: Readable;
  /** The declared content type, as sent (parameters included). */
  contentType: string;
  /** The client's file name, if it gave one; it only ever picks the extension. */
  name?: string;
  /** What admission control granted this upload before its body was read, if it ran. */
  allowance?: UploadAllowance;
}

/** An upload's hold on the api's shared limits (see admission/UploadAdmission). */
export interface UploadAllowance {
  /** Whether a staging slot was taken for it already (its Content-Length is over the inline threshold). */
  readonly stagingSlotReserved: boolean;
  /**
   * Told the number of bytes read so far as the intake reads them (a body that grows past
   * its Content-Length, or has none, is charged as it arrives); what it throws stops the read.
   */
  bodyProgress(bytesSoFar: number): void;
}
