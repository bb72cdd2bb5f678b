// Profiling aid (`npm run bench:worker -- --profile-worker`): preloaded into the drain's worker
// with `node -r`, it records a V8 CPU profile from start-up and writes it to
// $CPU_PROFILE_FILE on SIGTERM. (`node --cpu-prof` writes nothing here: Nest re-raises the
// signal after its shutdown hooks, and a process ended by a signal skips the profile.)
// The drain is over when the benchmark sends SIGTERM, so skipping the graceful stop is fine.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');

const file = process.env.CPU_PROFILE_FILE;
if (file) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  process.once('SIGTERM', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(file, JSON.stringify(result.profile));
      process.exit(0);
    });
  });
}
