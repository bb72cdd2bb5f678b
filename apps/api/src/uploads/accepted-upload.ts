/** A file as the api received it, whichever way it was sent (raw body or multipart). */
export interface IncomingFile {
  bytes: Buffer;
  /** The declared content type, as sent (parameters included). */
  contentType: string;
  /** The client's file name, if it gave one; it only ever picks the extension. */
  name?: string;
}

/** An upload whose event Kinesis accepted. */
export interface AcceptedUpload {
  id: string;
  file_key: string;
}
