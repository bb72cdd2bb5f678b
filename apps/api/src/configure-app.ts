import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Express } from 'express';
import { apiConfig, type ApiConfig } from './config';
import { rawUploadBody } from './uploads/raw-upload-body.middleware';

/**
 * Everything the api needs besides its modules, applied before `init()`/`listen()`. Shared
 * by `main.ts` and tests (`createNestApplication(); configureApp(app); await app.init()`),
 * so both run the same app.
 */
export function configureApp(app: INestApplication): INestApplication {
  const config = app.get<ApiConfig>(apiConfig.KEY);
  const express = app.getHttpAdapter().getInstance() as Express;
  express.disable('x-powered-by');

  // Ahead of Nest's body parsers (registered by init): a raw upload stays bytes whatever its
  // Content-Type, and an oversized one gets 413; multipart goes on to multer untouched.
  app.use('/uploads', rawUploadBody(config.uploadMaxBytes));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('File uploads')
      .setDescription('Authenticated uploads, delivered to storage through a Kinesis stream')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito access token' })
      .build(),
  );
  // Served by the HTTP adapter directly, outside the guarded router: the docs are public.
  SwaggerModule.setup('docs', app, document);
  return app;
}
