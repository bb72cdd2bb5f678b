import { Module } from '@nestjs/common';
import { BenchController } from './bench.controller';

/** "floor": the trivial route with no guard at all — what Nest + Express cost per request. */
@Module({ controllers: [BenchController] })
export class FloorBenchModule {}
