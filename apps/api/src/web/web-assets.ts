import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { apiConfig, type ApiConfig } from '../config';

/** A file of the built page, held in memory (a few tens of KiB). */
export interface WebAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** The built page's files, by the names the page links to; nothing else is ever served. */
const ASSET_TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/**
 * Loads the page `npm run build` made (apps/web-client → WEB_ASSETS_DIR) once at start-up.
 * A missing build is not fatal: the api's routes work without it, and `/` says what to do.
 */
@Injectable()
export class WebAssets implements OnModuleInit {
  private readonly logger = new Logger(WebAssets.name);
  private readonly assets = new Map<string, WebAsset>();

  constructor(@Inject(apiConfig.KEY) private readonly config: ApiConfig) {}

  get assetsDir(): string {
    return this.config.web.assetsDir;
  }

  async onModuleInit(): Promise<void> {
    for (const [name, contentType] of Object.entries(ASSET_TYPES)) {
      try {
        const body = await readFile(join(this.assetsDir, name));
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
        this.assets.set(name, { body, contentType, etag });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    if (this.assets.size < Object.keys(ASSET_TYPES).length) {
      this.logger.warn(`The upload page is not built (no complete page in ${this.assetsDir}): run npm run build, or set WEB_ASSETS_DIR`);
    }
  }

  find(name: string): WebAsset | undefined {
    return this.assets.get(name);
  }
}
