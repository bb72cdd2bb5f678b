import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { API_DOCS_PATH } from '../docs/api-docs';
import type { HttpConfig } from './http-environment.schema';

/** Headers a browser client may send cross-origin, and those it may read back. */
const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Filename'];
const CORS_EXPOSED_HEADERS = ['Retry-After', 'X-Request-Id', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

/**
 * Security headers (helmet) on every response, CORS for the configured origins only.
 *
 * The api answers JSON, so its policy allows nothing to load or frame it. Routes that serve
 * a page set their own, stricter-where-it-matters policy over it: the upload page (WebModule),
 * a stored file's download (a sandbox). The OpenAPI viewer gets one that lets swagger-ui run:
 * its own scripts, its inline styles, data: images.
 */
export function applyHttpHardening(app: INestApplication, config: HttpConfig): void {
  const apiHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
  });
  const docsHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const docsPrefix = `/${API_DOCS_PATH}`;
  const securityHeaders: RequestHandler = (request: Request, response: Response, next: NextFunction) =>
    (request.path === docsPrefix || request.path.startsWith(`${docsPrefix}/`) ? docsHeaders : apiHeaders)(request, response, next);
  app.use(securityHeaders);

  if (config.corsAllowedOrigins.length > 0) {
    app.enableCors({
      origin: [...config.corsAllowedOrigins],
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: CORS_REQUEST_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      // Bearer tokens, not cookies: no credentials mode needed.
      credentials: false,
      maxAge: 600,
    });
  }
}

/**
 * How often Node looks for requests over their head or request timeout. Its default, 30 s,
 * lets a slow client hold a socket up to 30 s past the limit; a check walks the open
 * connections once, which is cheap at this rate.
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/**
 * Server timeouts (Node's defaults: 300 s per request, 60 s for the head, 5 s keep-alive,
 * which is shorter than a load balancer's idle timeout and causes sporadic 502s there) and
 * the connection cap (Node's default: none). Must run before `listen()`: Node starts its
 * timeout checker when the server starts listening.
 */
export function applyServerLimits(server: Server, config: HttpConfig): void {
  server.maxConnections = config.maxConnections;
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CONNECTIONS_CHECK_INTERVAL_MS;
}
