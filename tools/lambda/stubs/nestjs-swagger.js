// Stands in for @nestjs/swagger in the api's Lambda bundle (tools/lambda/bundle.options.ts).
// The controllers and DTOs only decorate with it (@ApiProperty, @ApiResponse…), which feeds
// the OpenAPI document; on Lambda that document is generated at build time and served as a
// file (apps/api/src/docs/static-api-docs.ts), so the decorators have nothing to record and
// @nestjs/swagger, lodash and js-yaml (~220 KiB) stay out of the cold start. Any other export
// (SwaggerModule, PartialType…) fails loudly instead of silently doing nothing.
'use strict';

const noDecoration = () => () => undefined;

module.exports = new Proxy(
  {},
  {
    get(_target, name) {
      if (name === '__esModule') return false;
      if (typeof name === 'string' && /^Api[A-Z]/.test(name)) return noDecoration;
      if (typeof name === 'symbol' || name === 'then' || name === 'default') return undefined;
      throw new Error(`@nestjs/swagger's ${String(name)} is not in the Lambda bundle (tools/lambda/stubs/nestjs-swagger.js stands in for its decorators only)`);
    },
  },
);
