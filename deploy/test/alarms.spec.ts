import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEAD_LETTER_LOG_TERM, RECORDS_LOST_LOG_TERM } from '../lib/alarms';
import { REPO_ROOT } from '../lib/repo-artifacts';

describe('dead-letter alarm', () => {
  it('counts a log line the worker really writes for every dead letter', () => {
    // The metric filter matches this term; if the sink's message changes, the alarm goes blind.
    const sink = readFileSync(join(REPO_ROOT, 'apps/worker/src/dead-letters/worker-dead-letter.sink.ts'), 'utf8');
    expect(sink).toMatch(new RegExp(`logger\\.\\w+\\(\`${DEAD_LETTER_LOG_TERM} `));
  });
});

describe('records-lost alarm', () => {
  it('counts the line the worker writes when a shard resumes past trimmed records', () => {
    const consumer = readFileSync(join(REPO_ROOT, 'libs/kinesis/src/server/shard.consumer.ts'), 'utf8');
    expect(consumer).toMatch(new RegExp(`logger\\.error\\(\\s*\`\\$\\{this\\.shardId\\}: ${RECORDS_LOST_LOG_TERM}:`));
  });
});
