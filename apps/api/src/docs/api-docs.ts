import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Where the OpenAPI document and its viewer are served. */
export const API_DOCS_PATH = 'docs';

/** The OpenAPI document, generated from the controllers' decorators. */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('File uploads')
      .setDescription('Authenticated uploads, delivered to storage through a Kinesis stream')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito access token' })
      .build(),
  );
}

/**
 * The OpenAPI document served at `/docs` (viewer) and `/docs-json`. Served by the HTTP adapter
 * directly, outside the guarded router: the docs are public. (The Lambda bundle swaps this
 * file for static-api-docs.ts, which serves the same document generated at build time.)
 */
export function setupApiDocs(app: INestApplication): void {
  SwaggerModule.setup(API_DOCS_PATH, app, buildApiDocument(app));
}
