import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * The configured worker id, or one unique to this process: the host name tells operators
 * which task holds a lease, the pid and random suffix keep two workers on one host apart.
 */
export function resolveWorkerId(configured: string | undefined): string {
  return configured ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
