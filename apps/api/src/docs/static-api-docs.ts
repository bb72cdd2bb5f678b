// The api's docs in the Lambda bundle, in place of api-docs.ts (tools/lambda/bundle.options.ts
// swaps them): the OpenAPI document is generated at build time (openapi-document.main.ts) and
// shipped next to the bundle with the Swagger UI files it needs, so a cold start neither loads
// @nestjs/swagger (nor lodash and js-yaml) nor scans the controllers. Nothing is read until
// someone asks for the docs. Same paths as api-docs.ts: /docs, /docs-json, and the document
// also at /docs/openapi.json (API Gateway routes /docs/* without a token, not /docs-json).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Express, Response } from 'express';

export const API_DOCS_PATH = 'docs';

/** The files the build puts in `<bundle dir>/docs/`: the document and the Swagger UI assets. */
export const STATIC_DOCS_FILES = {
  'openapi.json': 'application/json; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
} as const;

/** A script file of its own, not inline: a Content-Security-Policy of script-src 'self' allows it. */
const INITIALIZER = 'swagger-initializer.js';

function initializerScript(base: string): string {
  return `window.ui = SwaggerUIBundle({ url: '${base}/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });\n`;
}

function viewerPage(base: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>File uploads API</title><link rel="stylesheet" href="${base}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/swagger-ui-standalone-preset.js"></script>
<script src="${base}/${INITIALIZER}"></script>
</body>
</html>
`;
}

export function setupApiDocs(app: INestApplication, filesDir: string = join(__dirname, API_DOCS_PATH)): void {
  const express = app.getHttpAdapter().getInstance() as Express;
  const base = `/${API_DOCS_PATH}`;
  const send = async (response: Response, file: keyof typeof STATIC_DOCS_FILES) => {
    try {
      response.type(STATIC_DOCS_FILES[file]).send(await readFile(join(filesDir, file)));
    } catch {
      response.status(404).type('text/plain').send(`${file} is not part of this deployment\n`);
    }
  };
  express.get(base, (_request, response) => void response.type('text/html; charset=utf-8').send(viewerPage(base)));
  express.get(`${base}/${INITIALIZER}`, (_request, response) => void response.type('text/javascript; charset=utf-8').send(initializerScript(base)));
  express.get(`${base}-json`, (_request, response) => void send(response, 'openapi.json'));
  // Only the listed files: nothing else in the bundle's folder (the source map) is served.
  express.get(`${base}/:file`, (request, response, next) => {
    const file = request.params.file;
    if (Object.hasOwn(STATIC_DOCS_FILES, file)) void send(response, file as keyof typeof STATIC_DOCS_FILES);
    else next();
  });
}
