/** The body of every 429 the api's limiters give. */
export const TOO_MANY_REQUESTS_MESSAGE = 'Too many requests: retry after the number of seconds in Retry-After';
