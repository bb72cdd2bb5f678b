import {
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { apiConfig, type ApiConfig } from '../config';
import { ALLOW_ID_TOKEN } from './allow-id-token.decorator';
import {
  httpApiJwtAuthorizerOf,
  verifiedTokenFromAuthorizer,
  type ApiGatewayInvoke,
  type HttpApiJwtAuthorizer,
} from './api-gateway-authorizer.claims';
import { bearerCredentials } from './bearer-token.extractor';
import type { VerifiedCognitoToken } from './cognito-access-token.claims';
import type { CognitoPrincipal } from './cognito-principal';
import { COGNITO_JWT } from './cognito-jwt.strategy';
import { IS_PUBLIC } from './public.decorator';
import { SigningKeysUnavailableError } from './signing-keys-unavailable.error';

/**
 * The global guard (APP_GUARD): every route needs a valid Cognito access token unless marked
 * `@Public()`; a route marked `@AllowIdToken()` takes an ID token too. Every refusal is the
 * same 401 with a `WWW-Authenticate: Bearer` challenge (RFC 6750: `error="invalid_token"`
 * once credentials were presented, even outside the Bearer header; bare otherwise); the reason goes to the log only.
 * When no signing key can be had at all the answer is 503 with `Retry-After`: the token may
 * well be valid, the client should retry rather than log in again.
 *
 * Lambda mode (`COGNITO_TRUST_API_GATEWAY_AUTHORIZER=true`, only accepted on Lambda): when the
 * request carries an HTTP API JWT authorizer context (`req.apiGateway.event`, put there by
 * serverless-express), its claims are trusted instead of verifying the token again, though
 * the issuer, `token_use`, client, `sub` and times are still checked. Without that context
 * (a route with no authorizer) the guard falls back to verifying the Bearer token itself:
 * a missing context must never mean a missing check.
 */
@Injectable()
export class CognitoAuthGuard extends AuthGuard(COGNITO_JWT) {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly reflector: Reflector,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (this.flag(IS_PUBLIC, context)) return true;
    if (this.config.cognito.trustApiGatewayAuthorizer) {
      const request = context.switchToHttp().getRequest<Request & { apiGateway?: ApiGatewayInvoke; user?: unknown }>();
      const authorizer = httpApiJwtAuthorizerOf(request);
      if (authorizer !== undefined) {
        request.user = this.principalFromAuthorizer(authorizer, context);
        return true;
      }
    }
    return super.canActivate(context);
  }

  override handleRequest<T = CognitoPrincipal>(err: unknown, verified: unknown, info: unknown, context: ExecutionContext): T {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const reason = err ?? info;
    if (reason instanceof SigningKeysUnavailableError) {
      this.logger.error(`503 ${request.method} ${request.path}: ${describe(reason)}`);
      response.setHeader('Retry-After', String(reason.retryAfterSeconds));
      throw new ServiceUnavailableException('Token verification is temporarily unavailable');
    }
    if (!err && isVerified(verified)) {
      if (verified.tokenUse === 'access' || this.flag(ALLOW_ID_TOKEN, context)) return verified.principal as T;
      return this.refuse(request, response, 'an ID token on a route that takes access tokens only');
    }
    const { presented, token, outside } = bearerCredentials(request);
    if (token === undefined) {
      const why = outside
        ? `credentials outside the Authorization Bearer header: ${outside}`
        : presented
          ? 'malformed Bearer credentials'
          : 'no bearer token in the Authorization header';
      return this.refuse(request, response, why);
    }
    return this.refuse(request, response, describe(reason));
  }

  /** The caller from trusted authorizer claims, under the same rules and refusal as a token verified here. */
  private principalFromAuthorizer(authorizer: HttpApiJwtAuthorizer, context: ExecutionContext): CognitoPrincipal {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    let verified: VerifiedCognitoToken;
    try {
      verified = verifiedTokenFromAuthorizer(authorizer, {
        issuer: this.config.cognito.issuer,
        clientIds: this.config.cognito.clientIds,
        clockToleranceSeconds: this.config.cognito.clockToleranceSeconds,
      });
    } catch (error) {
      return this.refuse(request, response, `API Gateway authorizer claims: ${describe(error)}`);
    }
    if (verified.tokenUse === 'access' || this.flag(ALLOW_ID_TOKEN, context)) return verified.principal;
    return this.refuse(request, response, 'API Gateway authorizer claims of an ID token on a route that takes access tokens only');
  }

  private refuse(request: Request, response: Response, why: string): never {
    this.logger.warn(`401 ${request.method} ${request.path}: ${why}`);
    const { presented } = bearerCredentials(request);
    response.setHeader('WWW-Authenticate', presented ? 'Bearer error="invalid_token"' : 'Bearer');
    throw new UnauthorizedException('Missing or invalid access token');
  }

  private flag(key: string, context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean | undefined>(key, [context.getHandler(), context.getClass()]) === true;
  }
}

function isVerified(value: unknown): value is VerifiedCognitoToken {
  return typeof value === 'object' && value !== null && 'tokenUse' in value && 'principal' in value;
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return reason === undefined ? 'no user' : String(reason);
}
