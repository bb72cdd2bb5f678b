import { z } from 'zod';
import { FILE_KEY_PATTERN, FileOwnerSchema } from './file-uploaded.event';

/** Pattern name the worker routes on: the owner asked for an upload to be deleted. */
export const FILE_DELETION_REQUESTED = 'file.deletion-requested' as const;

/** Version of the `file.deletion-requested` payload schema, carried in the `payload-version` header. */
export const FILE_DELETION_REQUESTED_VERSION = '1' as const;

/**
 * `data` of a `file.deletion-requested` v1 event. Only what the consumer needs to find and
 * remove the file: no bytes, no client-chosen text. The owner is the principal who asked; the
 * api checked they own the upload, and the consumer checks it again against the status record.
 */
export const FileDeletionRequestedV1Schema = z
  .object({
    id: z.uuid(),
    file_key: z.string().regex(FILE_KEY_PATTERN, 'must be uploads/<uuid>.<ext>'),
    owner: FileOwnerSchema,
  })
  .refine((e) => e.file_key.startsWith(`uploads/${e.id}.`), {
    message: 'file_key must be derived from id',
    path: ['file_key'],
  });

export type FileDeletionRequestedV1 = z.infer<typeof FileDeletionRequestedV1Schema>;
