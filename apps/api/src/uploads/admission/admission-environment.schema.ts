import { z } from 'zod';

/** `POST /uploads` at once by one user; more get 429 before their body is read. */
export const DEFAULT_UPLOAD_MAX_CONCURRENT_PER_USER = 8;
/**
 * 128 MiB of bodies held in memory by all uploads together (each counts its Content-Length up
 * to one 5 MiB part buffer): on a 1 GiB task that leaves room for the process and its GC slack.
 */
export const DEFAULT_UPLOAD_BODY_BYTES_IN_FLIGHT = 128 * 1024 * 1024;
/** Below 1 KiB/s (8 kbit/s) over a window, no real client is still uploading. */
export const DEFAULT_UPLOAD_MIN_BODY_RATE_BYTES_S = 1024;
export const DEFAULT_UPLOAD_BODY_RATE_GRACE_S = 10;
export const DEFAULT_UPLOAD_BODY_RATE_WINDOW_S = 10;
/** `complete` calls at once: each one may read and hash a whole staged object. */
export const DEFAULT_UPLOAD_MAX_CONCURRENT_COMPLETIONS = 4;

/** The api's upload admission variables, spread into its environment schema. */
export const admissionEnvironmentShape = {
  UPLOAD_MAX_CONCURRENT_PER_USER: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_UPLOAD_MAX_CONCURRENT_PER_USER),
  UPLOAD_BODY_BYTES_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(64 * 1024, 'must be at least 65536 (64 KiB)')
    .default(DEFAULT_UPLOAD_BODY_BYTES_IN_FLIGHT),
  // 0 turns the check off (the request timeout still ends a stalled body).
  UPLOAD_MIN_BODY_RATE_BYTES_S: z.coerce.number().int().min(0).default(DEFAULT_UPLOAD_MIN_BODY_RATE_BYTES_S),
  UPLOAD_BODY_RATE_GRACE_S: z.coerce.number().int().min(1).max(3600).default(DEFAULT_UPLOAD_BODY_RATE_GRACE_S),
  UPLOAD_BODY_RATE_WINDOW_S: z.coerce.number().int().min(1).max(3600).default(DEFAULT_UPLOAD_BODY_RATE_WINDOW_S),
  UPLOAD_MAX_CONCURRENT_COMPLETIONS: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_UPLOAD_MAX_CONCURRENT_COMPLETIONS),
};

export interface AdmissionConfig {
  maxConcurrentPerUser: number;
  bodyBytesInFlight: number;
  /** Bytes per second a body must keep up, averaged over `rateWindowMs`; 0: not checked. */
  minBodyRate: number;
  rateGraceMs: number;
  rateWindowMs: number;
  maxConcurrentCompletions: number;
}

export function admissionConfigFrom(env: {
  UPLOAD_MAX_CONCURRENT_PER_USER: number;
  UPLOAD_BODY_BYTES_IN_FLIGHT: number;
  UPLOAD_MIN_BODY_RATE_BYTES_S: number;
  UPLOAD_BODY_RATE_GRACE_S: number;
  UPLOAD_BODY_RATE_WINDOW_S: number;
  UPLOAD_MAX_CONCURRENT_COMPLETIONS: number;
}): AdmissionConfig {
  return {
    maxConcurrentPerUser: env.UPLOAD_MAX_CONCURRENT_PER_USER,
    bodyBytesInFlight: env.UPLOAD_BODY_BYTES_IN_FLIGHT,
    minBodyRate: env.UPLOAD_MIN_BODY_RATE_BYTES_S,
    rateGraceMs: env.UPLOAD_BODY_RATE_GRACE_S * 1000,
    rateWindowMs: env.UPLOAD_BODY_RATE_WINDOW_S * 1000,
    maxConcurrentCompletions: env.UPLOAD_MAX_CONCURRENT_COMPLETIONS,
  };
}
