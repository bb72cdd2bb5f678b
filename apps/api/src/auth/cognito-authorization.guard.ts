import { ForbiddenException, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { CognitoPrincipal } from './cognito-principal';
import { REQUIRED_GROUPS } from './groups.decorator';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPES } from './scopes.decorator';

/**
 * The second global guard (APP_GUARD, after `CognitoAuthGuard` has put the verified
 * {@link CognitoPrincipal} on `request.user`): enforces `@Scopes()` (all listed) and
 * `@Groups()` (at least one listed) from the route's class and method together; every
 * requirement on either must hold. `@Public()` routes and routes without requirements pass.
 * A refusal is a 403 whose body never names what was missing: that goes to the log only, so
 * a caller cannot map the rules by probing.
 */
@Injectable()
export class CognitoAuthorizationGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    // Same lookup as the authentication guard: what it lets through untouched, so does this one.
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true) return true;
    const scopeRules = targets.flatMap((t) => this.reflector.get<string[][] | undefined>(REQUIRED_SCOPES, t) ?? []);
    const groupRules = targets.flatMap((t) => this.reflector.get<string[][] | undefined>(REQUIRED_GROUPS, t) ?? []);
    if (scopeRules.length === 0 && groupRules.length === 0) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: CognitoPrincipal }>();
    const user = request.user;
    const missing = user ? this.missing(user, scopeRules, groupRules) : ['an authenticated user (is the authentication guard first?)'];
    if (missing.length === 0) return true;
    this.logger.warn(`403 ${request.method} ${request.path}: ${user?.sub ?? 'nobody'} lacks ${missing.join('; ')}`);
    throw new ForbiddenException();
  }

  private missing(user: CognitoPrincipal, scopeRules: string[][], groupRules: string[][]): string[] {
    const scopes = new Set(user.scopes);
    const groups = new Set(user.groups);
    const lackedScopes = [...new Set(scopeRules.flat().filter((s) => !scopes.has(s)))];
    const lackedGroups = groupRules.filter((anyOf) => !anyOf.some((g) => groups.has(g)));
    return [
      ...(lackedScopes.length > 0 ? [`scope(s) ${lackedScopes.join(', ')}`] : []),
      ...lackedGroups.map((anyOf) => `membership of one of the groups ${anyOf.join(', ')}`),
    ];
  }
}
