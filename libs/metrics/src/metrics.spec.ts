import { Metrics, type MetricsSettings } from './metrics';

describe('Metrics (CloudWatch EMF)', () => {
  const settings: MetricsSettings = { enabled: true, namespace: 'Test', baseDimensions: { Service: 'api' }, flushIntervalMs: 60_000 };
  let lines: string[];
  let metrics: Metrics;
  const documents = () => lines.map((line) => JSON.parse(line));

  beforeEach(() => {
    lines = [];
    metrics = new Metrics(settings, (line) => lines.push(line), () => 0.5);
  });

  it('sums counts per dimension set and writes one EMF document per set', () => {
    metrics.count('UploadsAccepted');
    metrics.count('UploadsAccepted');
    metrics.count('UploadsRefused', { Reason: 'too-large' });
    metrics.count('UploadsRefused', { Reason: 'rate-limited' }, 3);
    metrics.flush();
    expect(documents()).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [{ Namespace: 'Test', Dimensions: [['Service']], Metrics: [{ Name: 'UploadsAccepted', Unit: 'Count' }] }],
        },
        Service: 'api',
        UploadsAccepted: 2,
      },
      expect.objectContaining({ Service: 'api', Reason: 'too-large', UploadsRefused: 1 }),
      expect.objectContaining({ Service: 'api', Reason: 'rate-limited', UploadsRefused: 3 }),
    ]);
    expect(documents()[1]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Service', 'Reason']]);
  });

  it('keeps latencies as samples, at most 100 (EMF’s limit per metric)', () => {
    for (let i = 0; i < 1000; i++) metrics.timing('UploadLatency', i);
    metrics.count('UploadsAccepted', {}, 1000);
    metrics.flush();
    const [document] = documents();
    expect(document.UploadLatency).toHaveLength(100);
    expect(document._aws.CloudWatchMetrics[0].Metrics).toContainEqual({ Name: 'UploadLatency', Unit: 'Milliseconds' });
  });

  it('starts over after a flush, and writes nothing for an empty interval', () => {
    metrics.count('RecordsProcessed');
    metrics.flush();
    metrics.flush();
    expect(lines).toHaveLength(1);
  });

  it('asks its collectors at each flush, and survives one that throws', () => {
    let retried = 0;
    metrics.addCollector(() => {
      throw new Error('broken collector');
    });
    metrics.addCollector((m) => m.count('PublishRetries', {}, (retried += 2)));
    metrics.flush();
    expect(documents()[0].PublishRetries).toBe(2);
  });

  it('records nothing when disabled', () => {
    const off = new Metrics({ ...settings, enabled: false }, (line) => lines.push(line));
    off.count('UploadsAccepted');
    off.flush();
    expect(lines).toEqual([]);
  });

  it('flushes at shutdown, so the last interval is not lost', () => {
    metrics.onModuleInit();
    metrics.count('RecordsProcessed');
    metrics.onApplicationShutdown();
    expect(documents()[0].RecordsProcessed).toBe(1);
  });
});
