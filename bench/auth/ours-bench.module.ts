import { Module } from '@nestjs/common';
import { AuthModule } from '../../apps/api/src/auth';
import { ApiConfigModule } from '../../apps/api/src/config';
import { BenchController } from './bench.controller';

/**
 * "ours": the api's real authentication (AuthModule: the global `CognitoAuthGuard`,
 * `CognitoJwtStrategy`, `CognitoSigningKeyStore` and the authorization guard), configured
 * from the environment exactly as the api is, in front of the trivial route.
 */
@Module({
  imports: [ApiConfigModule, AuthModule],
  controllers: [BenchController],
})
export class OursBenchModule {}
