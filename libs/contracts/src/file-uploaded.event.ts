import { z } from 'zod';

/** Pattern name the worker routes on. */
export const FILE_UPLOADED = 'file.uploaded' as const;

/** Version of the `file.uploaded` payload schema, carried in the `payload-version` header. */
export const FILE_UPLOADED_VERSION = '1' as const;

/** Upload ids are UUIDs; the file key is derived from the id and a safe extension. */
export const FILE_KEY_PATTERN = /^uploads\/[0-9a-f-]{36}\.[a-z0-9]{1,10}$/;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

/** The bytes travel inside the record (small files). */
export const InlineBodySchema = z.object({
  kind: z.literal('inline'),
  /** File bytes, base64-encoded. */
  data_base64: z.string(),
});

/**
 * The bytes wait in the bucket (claim check, for files above the inline threshold, and for
 * presigned uploads): the consumer moves them to `file_key`.
 */
export const StagedBodySchema = z.object({
  kind: z.literal('staged'),
  /** Object key of the staged bytes, under `incoming/`. */
  key: z.string().startsWith('incoming/'),
  /**
   * The staged object's ETag when its size and sha256 were measured. A consumer copies only
   * that version (a client could PUT other bytes to a still-valid presigned URL afterwards).
   */
  etag: z.string().min(1).max(1024).optional(),
});

/** Owner of an upload: the Cognito principal that sent it. */
export const FileOwnerSchema = z.object({
  sub: z.string().min(1),
  username: z.string().min(1),
});

/** `data` of a `file.uploaded` v1 event. */
export const FileUploadedV1Schema = z
  .object({
    id: z.uuid(),
    file_key: z.string().regex(FILE_KEY_PATTERN, 'must be uploads/<uuid>.<ext>'),
    owner: FileOwnerSchema,
    content_type: z.string().min(1).max(255),
    size: z.number().int().nonnegative(),
    sha256: sha256Hex,
    /** The client's file name, for information only; it never influences the key. */
    original_name: z.string().max(255).optional(),
    /**
     * When the api accepted the upload (ISO-8601, UTC). Every status item of the upload carries
     * this same time, so an owner's listing orders them together; events from before it was
     * added fall back to the packet's `occurred_at`.
     */
    accepted_at: z.iso.datetime().optional(),
    body: z.discriminatedUnion('kind', [InlineBodySchema, StagedBodySchema]),
  })
  .refine((e) => e.file_key.startsWith(`uploads/${e.id}.`), {
    message: 'file_key must be derived from id',
    path: ['file_key'],
  });

export type FileOwner = z.infer<typeof FileOwnerSchema>;
export type FileUploadedV1 = z.infer<typeof FileUploadedV1Schema>;
