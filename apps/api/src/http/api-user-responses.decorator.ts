import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';

/** The `Retry-After` header of a 429 or 503, for OpenAPI. */
export const RETRY_AFTER_HEADER = { 'Retry-After': { description: 'Seconds until a request is allowed again', schema: { type: 'integer' } } };

/**
 * OpenAPI for a controller whose routes need a user: the bearer scheme, and the answers any
 * of its routes may give before the handler runs (the auth guard's 401, the limiter's 429).
 */
export function ApiUserResponses(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: 'Missing or invalid access token' }),
    ApiResponse({
      status: 429,
      description: 'Over the per-user rate limit (RATE_LIMIT_PER_SECOND, bursts of RATE_LIMIT_BURST)',
      headers: RETRY_AFTER_HEADER,
    }),
  );
}
