import { AWS_PROFILE_DEFAULTS } from './aws-profile.settings';
import { KinesisShardThroughput } from './kinesis-shard-throughput';

const MiB = 1024 * 1024;

describe('KinesisShardThroughput (per-shard limits)', () => {
  let now: number;
  let limits: KinesisShardThroughput;
  beforeEach(() => {
    now = 0;
    limits = new KinesisShardThroughput(AWS_PROFILE_DEFAULTS.kinesis.shardLimits, () => now);
  });

  const writes = (shard: string, count: number, bytes: number) => {
    let admitted = 0;
    for (let i = 0; i < count; i++) if (limits.admitWrite(shard, bytes)) admitted += 1;
    return admitted;
  };

  it('admits 1,000 records per second per shard, each shard on its own', () => {
    expect(writes('s/0', 1500, 100)).toBe(1000);
    expect(writes('s/1', 1000, 100)).toBe(1000);
    now += 500;
    expect(writes('s/0', 1000, 100)).toBe(500);
  });

  it('admits 1 MiB per second per shard', () => {
    expect(writes('s/0', 20, 100 * 1024)).toBe(10);
    now += 1000;
    expect(writes('s/0', 20, 100 * 1024)).toBe(10);
  });

  it('lets a full shard take a 1 MiB record with its partition key, then nothing for a second', () => {
    expect(limits.admitWrite('s/0', MiB + 36)).toBe(true);
    expect(limits.admitWrite('s/0', 1)).toBe(false);
  });

  it('takes from the record and byte buckets all or nothing', () => {
    expect(writes('s/0', 999, 1)).toBe(999);
    // Refused for bytes (the bucket is 999 bytes short): the one record left must still be there.
    expect(limits.admitWrite('s/0', MiB)).toBe(false);
    expect(writes('s/0', 2, 1)).toBe(1);
  });

  it('admits 5 GetRecords calls per second per shard', () => {
    let admitted = 0;
    for (let i = 0; i < 8; i++) if (limits.admitRead('s/0')) admitted += 1;
    expect(admitted).toBe(5);
    expect(limits.admitRead('s/1')).toBe(true);
    now += 200;
    expect(limits.admitRead('s/0')).toBe(true);
    expect(limits.admitRead('s/0')).toBe(false);
  });

  it('throttles the reads after a 10 MiB one until 2 MiB/s has paid it off', () => {
    expect(limits.admitRead('s/0')).toBe(true);
    limits.chargeRead('s/0', 10 * MiB);
    now += 3_900;
    expect(limits.admitRead('s/0')).toBe(false);
    now += 200;
    expect(limits.admitRead('s/0')).toBe(true);
  });
});
