import { z } from 'zod';

/**
 * What `POST /uploads/presigned` promised, kept next to the staged bytes as
 * `incoming/<id>.grant.json` until `complete` reads it: whose upload it is, its declared
 * size and type, and the key it will be stored under. It lets `complete` tell "not yours /
 * unknown" (404) from "not uploaded yet" (409) without a table of its own, and the
 * lifecycle rule on `incoming/` removes it with the rest.
 */
export const PresignedUploadGrantSchema = z.object({
  owner_sub: z.string().min(1),
  owner_username: z.string().min(1),
  file_key: z.string(),
  content_type: z.string(),
  size: z.number().int().positive(),
  original_name: z.string().optional(),
  expires_at: z.string(),
});

export type PresignedUploadGrant = z.infer<typeof PresignedUploadGrantSchema>;

export function grantKeyOf(uploadId: string): string {
  return `incoming/${uploadId}.grant.json`;
}
