import { Injectable, Logger, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { ExtractJwt } from 'passport-jwt';
import type { CognitoPrincipal } from './cognito-principal';
import { COGNITO_JWT } from './cognito-jwt.strategy';
import { IS_PUBLIC } from './public.decorator';

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * The global guard (APP_GUARD): every route needs a valid Cognito access token unless marked
 * `@Public()`. Every refusal is the same 401 with a `WWW-Authenticate: Bearer` challenge
 * (RFC 6750: `error="invalid_token"` once a token was presented); the reason goes to the log.
 */
@Injectable()
export class CognitoAuthGuard extends AuthGuard(COGNITO_JWT) {
  private readonly logger = new Logger('Auth');

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic === true || super.canActivate(context);
  }

  override handleRequest<T = CognitoPrincipal>(err: unknown, user: T, info: unknown, context: ExecutionContext): T {
    if (!err && user) return user;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const presented = Boolean(bearerToken(request));
    this.logger.warn(`401 ${request.method} ${request.path}: ${describe(err ?? info)}`);
    http
      .getResponse<Response>()
      .setHeader('WWW-Authenticate', presented ? 'Bearer error="invalid_token"' : 'Bearer');
    throw new UnauthorizedException('Missing or invalid access token');
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return reason === undefined ? 'no user' : String(reason);
}
