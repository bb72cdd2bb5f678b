// The baseline of `npm run bench:lambda`: the least an Express api on Lambda can be — Express
// 5 behind @vendia/serverless-express, one route answering POST /uploads with 202, no auth, no
// AWS SDK — bundled the same way as the functions (bare-express.bundle.ts).
import serverlessExpress from '@vendia/serverless-express';
import express, { raw } from 'express';

const app = express();
app.disable('x-powered-by');
app.post('/uploads', raw({ type: () => true, limit: '6mb' }), (request, response) => {
  response.status(202).json({ received_bytes: Buffer.isBuffer(request.body) ? request.body.length : 0 });
});

export const handler = serverlessExpress({ app });
