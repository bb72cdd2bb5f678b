// swc options for the project's TypeScript, with the decorator metadata Nest's dependency
// injection needs: used by jest's transform and by the benchmarks' server processes.
module.exports = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};
