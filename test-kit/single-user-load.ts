/**
 * The api's environment for a load that one user sends alone (a benchmark, a fault suite):
 * the per-user limits — the rate limit and the uploads under way per user — would turn most
 * of it into 429s, and they are not what such a run measures. The limits for everyone (body
 * bytes in flight, staging slots, connections) stay as they are.
 */
export const SINGLE_USER_LOAD: Readonly<Record<string, string>> = {
  RATE_LIMIT_PER_SECOND: '0',
  UPLOAD_MAX_CONCURRENT_PER_USER: '10000',
};
