import { z } from 'zod';

/** Default and largest `limit` of `GET /uploads`. */
export const UPLOAD_LIST_DEFAULT_LIMIT = 25;
export const UPLOAD_LIST_MAX_LIMIT = 100;

/** Query string of `GET /uploads`. */
export const UploadListQuerySchema = z.object({
    limit: z.coerce.number().int().min(1).max(UPLOAD_LIST_MAX_LIMIT).default(UPLOAD_LIST_DEFAULT_LIMIT),
    cursor: z.string().min(1).optional(),
    status: z.enum(['pending', 'stored', 'failed']).optional(),
  });

export type UploadListQuery = z.infer<typeof UploadListQuerySchema>;
