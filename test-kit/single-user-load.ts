/**
 * The api's environment for a load that one user sends alone (a benchmark, a fault suite):
 * the per-user limits — the rate limit and the uploads under way per user — would turn most
 * of it into 429s, and they are not what such a run measures. A user alone gets half of the
 * staging slots (their fair share), so there are twice the default 32: the one user keeps the
 * 32 a run of up to 32 connections staged at once before shares existed. The limits for
 * everyone (body bytes in flight, connections) stay as they are.
 */
export const SINGLE_USER_LOAD: Readonly<Record<string, string>> = {
  RATE_LIMIT_PER_SECOND: '0',
  UPLOAD_MAX_CONCURRENT_PER_USER: '10000',
  UPLOAD_MAX_CONCURRENT_STAGED: '64',
};
