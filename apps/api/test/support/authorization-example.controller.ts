import { Controller, Get } from '@nestjs/common';
import { CurrentUser, Groups, Public, Scopes, type CognitoPrincipal } from '../../src/auth';

/** The scope cognito-local (and Cognito for USER_PASSWORD_AUTH) puts in every access token. */
export const SIGNIN_SCOPE = 'aws.cognito.signin.user.admin';

/**
 * Test-only routes for `authorization.e2e-spec.ts` (never part of the app): the class rule
 * applies to every route and each method rule adds to it.
 */
@Scopes(SIGNIN_SCOPE)
@Controller('authorization-example')
export class AuthorizationExampleController {
  /** Any user-pool access token: only the class `@Scopes()`. */
  @Get('me')
  me(@CurrentUser() user: CognitoPrincipal): CognitoPrincipal {
    return user;
  }

  /** Members of `admins` or `auditors`. */
  @Groups('admins', 'auditors')
  @Get('admins')
  admins(@CurrentUser() user: CognitoPrincipal): CognitoPrincipal {
    return user;
  }

  /** A scope no password login gets: refused for everyone. */
  @Scopes('files/write')
  @Get('writers')
  writers(): { ok: true } {
    return { ok: true };
  }

  /** `@Public()` skips every rule, including the class one. */
  @Public()
  @Groups('admins')
  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }
}
