import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth';
import { apiConfig, type ApiConfig } from '../config';
import { uploadPageContentSecurityPolicy } from './content-security-policy';
import { WebAssets, type WebAsset } from './web-assets';

/**
 * The upload page at `/`, its two assets under `/assets/`, and `/web-config.json` (what the
 * page needs to sign in). Public: the page itself holds nothing secret; everything it does
 * with files goes through the guarded `/uploads` routes with the user's token.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  private readonly csp: string;

  constructor(
    private readonly assets: WebAssets,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {
    this.csp = uploadPageContentSecurityPolicy(config.web.connectOrigins);
  }

  @Get()
  page(@Res() response: Response): void {
    const page = this.assets.find('index.html');
    if (page === undefined) {
      this.secure(response)
        .status(503)
        .type('text/plain')
        .send(`The upload page is not built on this server (${this.assets.assetsDir}). Run npm run build, then restart the api.\n`);
      return;
    }
    this.send(response, page);
  }

  @Get('web-config.json')
  webConfig(@Res() response: Response): void {
    this.secure(response).setHeader('Cache-Control', 'no-store');
    response.json(this.config.web.page);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    // Only the page's own assets by their exact names: never a path into the file system.
    const asset = name === 'index.html' ? undefined : this.assets.find(name);
    if (asset === undefined) throw new NotFoundException();
    this.send(response, asset);
  }

  private send(response: Response, asset: WebAsset): void {
    // Revalidated on every load (cheap 304s), so a rebuilt page is picked up at once.
    this.secure(response).setHeader('Cache-Control', 'no-cache');
    // Express answers 304 itself when If-None-Match has this ETag.
    response.setHeader('ETag', asset.etag);
    response.type(asset.contentType).send(asset.body);
  }

  /** Headers every response of the page carries. */
  private secure(response: Response): Response {
    response.setHeader('Content-Security-Policy', this.csp);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    // The page's URL carries the one-time code after sign-in: never send it anywhere.
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    return response;
  }
}
