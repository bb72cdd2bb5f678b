import type { INestApplication } from '@nestjs/common';
import type { Express } from 'express';
import { apiConfig, type ApiConfig } from './config';
import { setupApiDocs } from './docs/api-docs';
import { applyHttpHardening } from './http/http-hardening';
import { uploadAwareBodyParsers } from './uploads/upload-body-parsers';

/**
 * Everything the api needs besides its modules, applied before `init()`/`listen()`. Shared
 * by `main.ts` and tests (`createNestApplication(); configureApp(app); await app.init()`),
 * so both run the same app.
 */
export function configureApp(app: INestApplication): INestApplication {
  const express = app.getHttpAdapter().getInstance() as Express;
  express.disable('x-powered-by');
  const { http } = app.get<ApiConfig>(apiConfig.KEY);
  // request.ip (the rate limit's key for anonymous requests) from the trusted hops only.
  express.set('trust proxy', http.trustedProxies);
  applyHttpHardening(app, http);

  // Before init, in place of Nest's own body parsers: they skip POST /uploads, whose body
  // the controller streams (inline or to S3) after the guard, whatever its Content-Type.
  for (const parser of uploadAwareBodyParsers()) app.use(parser);

  setupApiDocs(app);
  return app;
}
