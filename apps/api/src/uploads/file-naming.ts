/** Media types the api knows an extension for; anything else becomes `.bin`. */
const EXTENSION_BY_CONTENT_TYPE: Readonly<Record<string, string>> = {
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/html': 'html',
  'text/markdown': 'md',
  'text/xml': 'xml',
  'application/xml': 'xml',
  'application/json': 'json',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/gzip': 'gz',
  'application/octet-stream': 'bin',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'audio/mpeg': 'mp3',
  'video/mp4': 'mp4',
};

const SAFE_EXTENSION = /^[a-z0-9]{1,10}$/;
// Control characters (C0, DEL, C1) never belong in a stored name.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
const MAX_NAME_LENGTH = 255;

/**
 * The client's file name reduced to something safe to store and show: the last path segment,
 * without control characters, at most 255 characters; `undefined` when nothing is left.
 */
export function safeFileName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const base = name.replace(CONTROL_CHARACTERS, '').split(/[\\/]/).pop()!.trim();
  if (base === '' || base === '.' || base === '..') return undefined;
  return base.slice(0, MAX_NAME_LENGTH);
}

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/;

/** Whether a declared content type is a plausible media type, short enough to store. */
export function isMediaType(contentType: string): boolean {
  return contentType.length <= 255 && MEDIA_TYPE.test(contentType);
}

/** `text/plain; charset=utf-8` → `text/plain`. */
export function mediaTypeEssence(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/**
 * The extension of an upload's key: the last extension of a safe file name (lowercase,
 * `[a-z0-9]{1,10}`), else the one known for the content type, else `bin`. The name
 * influences nothing else.
 */
export function fileExtension(fileName: string | undefined, contentType: string | undefined): string {
  const name = safeFileName(fileName);
  const dot = name?.lastIndexOf('.') ?? -1;
  if (name !== undefined && dot > 0) {
    const extension = name.slice(dot + 1).toLowerCase();
    if (SAFE_EXTENSION.test(extension)) return extension;
  }
  if (contentType !== undefined) {
    const known = EXTENSION_BY_CONTENT_TYPE[mediaTypeEssence(contentType)];
    if (known !== undefined) return known;
  }
  return 'bin';
}
