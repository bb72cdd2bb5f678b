// Stands in for @nestjs/platform-express in the worker's Lambda bundle
// (tools/lambda/bundle.options.ts): the worker function is a Nest microservice fed by Lambda
// (NestFactory.createMicroservice), it never creates an HTTP app, so Express, body-parser and
// their dependencies would only be parsed at every cold start.
'use strict';

module.exports = new Proxy(
  {},
  {
    get(_target, name) {
      if (name === '__esModule') return false;
      if (typeof name === 'symbol' || name === 'then' || name === 'default') return undefined;
      throw new Error(`@nestjs/platform-express (${String(name)}) is not in the worker's Lambda bundle: the worker function serves no HTTP`);
    },
  },
);
