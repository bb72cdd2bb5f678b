import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { JwksClient } from 'jwks-rsa';
import * as jwt from 'jsonwebtoken';

/** Injection token for {@link NaiveJwtGuard}'s options. */
export const NAIVE_JWT_OPTIONS = Symbol('NAIVE_JWT_OPTIONS');

/** What the hand-written guard is configured with. */
export interface NaiveJwtOptions {
  jwksUri: string;
  issuer: string;
  clientIds: readonly string[];
}

/**
 * The baseline: the guard developers usually write by hand (tutorials, issue trackers). Per
 * request it asks jwks-rsa for the key by `kid` (jwks-rsa's default per-kid cache on) and
 * hands the PEM string to `jsonwebtoken.verify`, which parses the PEM again every time.
 * It checks the same claims as ours (`token_use`, `client_id`) so only the verification path
 * differs; it is a yardstick, not a guard to copy (no 503, no refetch budget).
 */
@Injectable()
export class NaiveJwtGuard implements CanActivate {
  private readonly jwks: JwksClient;

  constructor(@Inject(NAIVE_JWT_OPTIONS) private readonly options: NaiveJwtOptions) {
    this.jwks = new JwksClient({ jwksUri: options.jwksUri });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw new UnauthorizedException();
    const token = header.slice('Bearer '.length);
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.header.kid !== 'string') throw new UnauthorizedException();
    try {
      const key = await this.jwks.getSigningKey(decoded.header.kid);
      const claims = jwt.verify(token, key.getPublicKey(), { algorithms: ['RS256'], issuer: this.options.issuer });
      if (typeof claims === 'string' || claims.token_use !== 'access') throw new Error('not an access token');
      if (!this.options.clientIds.includes(claims.client_id)) throw new Error('client_id not accepted');
      request.user = claims;
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}
