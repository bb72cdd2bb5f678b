// Stands in for multer in the Lambda bundles (tools/lambda/bundle.options.ts):
// @nestjs/platform-express requires it at import for its FileInterceptor family, which this
// project does not use (uploads are streamed with busboy, see apps/api/src/uploads/intake).
'use strict';

module.exports = function multer() {
  throw new Error('multer is not in the Lambda bundle (tools/lambda/stubs/multer.js): use the busboy-based upload reader');
};
