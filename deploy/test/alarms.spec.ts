import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEAD_LETTER_LOG_TERM } from '../lib/alarms';
import { REPO_ROOT } from '../lib/repo-artifacts';

describe('dead-letter alarm', () => {
  it('counts a log line the worker really writes for every dead letter', () => {
    // The metric filter matches this term; if the sink's message changes, the alarm goes blind.
    const sink = readFileSync(join(REPO_ROOT, 'apps/worker/src/dead-letters/worker-dead-letter.sink.ts'), 'utf8');
    expect(sink).toMatch(new RegExp(`logger\\.\\w+\\(\`${DEAD_LETTER_LOG_TERM} `));
  });
});
