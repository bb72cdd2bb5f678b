import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { CognitoPrincipal } from '../auth';

/**
 * `@nestjs/throttler`'s guard, keyed by who is asking: the verified user's `sub` (it runs
 * after `CognitoAuthGuard`), or the client address on public routes. One bucket per user
 * across every route, so spreading requests over endpoints does not multiply the allowance.
 * A refused request gets 429 with `Retry-After` (seconds until the next token).
 */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const user = request.user as CognitoPrincipal | undefined;
    return user?.sub !== undefined ? `user:${user.sub}` : `address:${await super.getTracker(request)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }
}
