/**
 * Why a bearer token was refused. For the log only: callers always get the same 401, so a
 * probe learns nothing about which check failed.
 */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}
