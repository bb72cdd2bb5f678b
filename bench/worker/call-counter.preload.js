// Profiling aid (`npm run bench:worker -- --count-calls`): preloaded into the drain's worker
// with `node -r`, it counts the worker's outgoing HTTP calls by service and operation
// (x-amz-target for Kinesis and DynamoDB, method for S3) and writes the counts as JSON to
// $CALL_COUNTS_FILE. Plain JavaScript: it loads before the app.
'use strict';
const diagnostics = require('node:diagnostics_channel');
const { writeFileSync } = require('node:fs');

const counts = {};
diagnostics.channel('http.client.request.start').subscribe(({ request }) => {
  const target = request.getHeader('x-amz-target');
  const name = target ? String(target).replace(/^.*\./, '') : `S3 ${request.method}`;
  counts[name] = (counts[name] ?? 0) + 1;
});
// Written every 200 ms, not on exit: Nest re-raises SIGTERM after its shutdown hooks, and a
// process ended by a signal emits no 'exit'.
const file = process.env.CALL_COUNTS_FILE;
if (file) setInterval(() => writeFileSync(file, JSON.stringify(counts)), 200).unref();
