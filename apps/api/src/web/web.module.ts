import { Module } from '@nestjs/common';
import { WebAssets } from './web-assets';
import { WebController } from './web.controller';

/** The upload page for people with a browser (apps/web-client, built by `npm run build`). */
@Module({
  controllers: [WebController],
  providers: [WebAssets],
})
export class WebModule {}
