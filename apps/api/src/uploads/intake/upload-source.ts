import type { Readable } from 'node:stream';

/** The file of an upload as it arrives, before a byte of it has been read. */
export interface UploadSource {
  /** The file's bytes, in order; read once, by the intake. */
  stream: Readable;
  /** The declared content type, as sent (parameters included). */
  contentType: string;
  /** The client's file name, if it gave one; it only ever picks the extension. */
  name?: string;
  /**
   * Told the number of bytes read so far as the intake reads them (the admission charges a
   * body that grows past its Content-Length, or has none); what it throws stops the read.
   */
  onProgress?: (bytesSoFar: number) => void;
}
