/** The `ThrottlerStorage` every limiter of the api counts in (see RateLimitStorageModule). */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');
