/** Header names the apps put into the wire packet's `headers`. */
export const HEADER_PAYLOAD_VERSION = 'payload-version';
export const HEADER_CORRELATION_ID = 'correlation-id';
