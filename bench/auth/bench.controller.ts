import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The trivial route every benchmarked server exposes: whatever guard runs in front of it is
 * the only difference between them, so the gap between two servers is that guard's cost.
 */
@Controller('bench')
export class BenchController {
  /** `BENCH_PATH`: echoes the caller's `sub` (null when no guard put a user on the request). */
  @Get('me')
  me(@Req() request: Request & { user?: { sub?: string } }): { sub: string | null } {
    return { sub: request.user?.sub ?? null };
  }
}
