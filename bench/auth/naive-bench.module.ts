import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BenchController } from './bench.controller';
import { NAIVE_JWT_OPTIONS, NaiveJwtGuard, type NaiveJwtOptions } from './naive-jwt.guard';

/** "naive": the hand-written jwks-rsa + jsonwebtoken guard (global) in front of the trivial route. */
@Module({})
export class NaiveBenchModule {
  static forRoot(options: NaiveJwtOptions): DynamicModule {
    return {
      module: NaiveBenchModule,
      controllers: [BenchController],
      providers: [{ provide: NAIVE_JWT_OPTIONS, useValue: options }, { provide: APP_GUARD, useClass: NaiveJwtGuard }],
    };
  }
}
