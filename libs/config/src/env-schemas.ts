import { z } from 'zod';

/** Reusable zod pieces for environment variables, which always arrive as strings. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  url: () => z.url(),
  optionalUrl: () => z.url().optional(),
  name: (fallback: string) => z.string().min(3).default(fallback),
  list: () =>
    z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.string()).min(1, 'needs at least one comma-separated value')),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
};
