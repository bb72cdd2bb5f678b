import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { normalizeIp, ThrottlerException, type ThrottlerStorage } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { Metrics } from '@lib/metrics';
import { IS_PUBLIC } from '../auth/public.decorator';
import { apiConfig, type ApiConfig } from '../config';
import { RATE_LIMIT_STORAGE } from './rate-limit-storage.token';
import { throttlerLimitOf } from './rate-limit-environment.schema';
import { TOO_MANY_REQUESTS_MESSAGE } from './too-many-requests.message';

/** How long a probe (the first request after a block) may take to be answered and counted before another may go. */
const PROBE_ANSWER_MS = 5_000;

/** Blocked addresses remembered at once before expired ones are swept (an attacker may rotate addresses). */
const MAX_REMEMBERED_BLOCKS = 10_000;

/**
 * Limits requests refused for their token (401), per client address (`request.ip`, after
 * HTTP_TRUSTED_PROXIES; IPv6 by /64), in the same store as the per-user limit: a flood of
 * made-up or expired tokens gets 429 before any signature is checked.
 *
 * Registered as a global guard ahead of `CognitoAuthGuard` (global guards run in the order
 * their modules are imported: RateLimitStorageModule comes before AuthModule), because the
 * per-user limiter runs after authentication and never sees a refused request. The two
 * halves: before authentication, an address known to have spent its allowance gets 429 at
 * once; after the answer, each 401 takes a token from the address's bucket, off the request
 * path. The shared store counts the failures of every process; each process learns that an
 * address is blocked from the first failure of its own that finds the bucket empty, and when
 * the block runs out lets one request through to try again, so N processes verify at most N
 * extra tokens per blocked period (the time one token takes to refill).
 */
@Injectable()
export class AuthFailureThrottlerGuard implements CanActivate {
  private readonly blockedUntil = new Map<string, number>();
  private readonly limit: { limit: number; ttl: number };
  private readonly enabled: boolean;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage,
    @Inject(apiConfig.KEY) config: ApiConfig,
    private readonly metrics: Metrics,
  ) {
    this.limit = throttlerLimitOf(config.rateLimit.authFailures);
    this.enabled = config.rateLimit.authFailures.perSecond > 0;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.enabled || context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic === true) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const address = normalizeIp(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    const block = this.blockOf(address);
    if (block.waitSeconds > 0) {
      this.metrics.count('AuthFailuresThrottled');
      response.setHeader('Retry-After', String(block.waitSeconds));
      throw new ThrottlerException(TOO_MANY_REQUESTS_MESSAGE);
    }
    response.once('close', () => {
      if (response.statusCode === 401) void this.countFailure(address);
      else if (block.probe) this.blockedUntil.delete(address);
    });
    return true;
  }

  private async countFailure(address: string): Promise<void> {
    const { limit, ttl } = this.limit;
    const outcome = await this.storage.increment(`auth-failures:address:${address}`, ttl, limit, 0, 'auth-failures');
    if (!outcome.isBlocked) {
      this.blockedUntil.delete(address);
      return;
    }
    if (this.blockedUntil.size >= MAX_REMEMBERED_BLOCKS) this.sweep();
    this.blockedUntil.set(address, Date.now() + outcome.timeToBlockExpire * 1000);
  }

  /**
   * Whether `address` must wait. When its block has run out, this request goes through as the
   * one probe, and the address stays blocked until the probe's answer has been counted: a
   * flood does not get a free volley through each time a block ends.
   */
  private blockOf(address: string): { waitSeconds: number; probe: boolean } {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return { waitSeconds: 0, probe: false };
    const left = until - Date.now();
    if (left > 0) return { waitSeconds: Math.ceil(left / 1000), probe: false };
    this.blockedUntil.set(address, Date.now() + PROBE_ANSWER_MS);
    return { waitSeconds: 0, probe: true };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [address, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(address);
  }
}
