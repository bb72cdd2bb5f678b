import type { AuthBenchResults, VariantMeasurement } from './auth-bench.results';

const LABEL: Record<string, string> = {
  ours: 'ours (CognitoAuthGuard)',
  naive: 'naive (jwks-rsa + jsonwebtoken PEM)',
  floor: 'floor (no auth)',
};

const us = (value: number) => Math.round(value).toLocaleString('en-US');

/** `bench/results/auth.md`: the same numbers as auth.json, for people. */
export function renderAuthBenchMarkdown(results: AuthBenchResults): string {
  const { machine, settings } = results;
  const lines = [
    '# Token verification benchmark',
    '',
    `- date: ${results.date}`,
    `- command: \`${results.command}\``,
    `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}`,
    `- node: ${results.node}, NODE_ENV=${settings.nodeEnv}, Nest default logger`,
    `- load: ${settings.rounds} round(s) × ${settings.requests} requests per server and workload ` +
      `(after ${settings.warmup} warm-up requests), ${settings.concurrency} keep-alive connections, loopback, ` +
      'one server process at a time, the load generator in the parent process',
    `- JWKS downloads while timed: ${results.jwksFetchesWhileTimed}; ` +
      `1-minute load average ${results.loadAverage1m.before} before, ${results.loadAverage1m.after} after`,
    '',
    'requests/s and µs/request (= 1e6 / requests/s at saturation) are medians over the rounds, with the',
    'fastest–slowest round beside them; server CPU = the server process\'s user + system CPU time per request',
    '(median of rounds); latency = request sent → response read, all rounds pooled, with the connections',
    'above in flight (so it is about concurrency × µs/request).',
    '',
  ];
  for (const workload of ['repeated', 'fresh'] as const) {
    lines.push(
      `## ${workload === 'repeated' ? 'Same valid token repeated' : 'A fresh valid token per request'}`,
      '',
      '| server | requests/s | µs/request | range over rounds | server CPU µs/request | latency mean µs | p50 | p99 |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...results.measurements.filter((m) => m.workload === workload).map(row),
      '',
      '| auth cost (guarded − floor) | µs/request | server CPU µs/request | mean latency µs |',
      '|---|---:|---:|---:|',
      ...results.authCost
        .filter((c) => c.workload === workload)
        .map((c) => `| ${LABEL[c.variant]} | ${us(c.microsPerRequest)} | ${us(c.serverCpuMicrosPerRequest)} | ${us(c.meanLatencyMicros)} |`),
      '',
    );
  }
  return lines.join('\n');
}

function row(m: VariantMeasurement): string {
  const l = m.latencyMicros;
  const [fastest, slowest] = m.microsPerRequestRange;
  return `| ${LABEL[m.variant]} | ${us(m.requestsPerSecond)} | ${us(m.microsPerRequest)} | ${us(fastest)}–${us(slowest)} | ${us(m.serverCpuMicrosPerRequest)} | ${us(l.mean)} | ${us(l.p50)} | ${us(l.p99)} |`;
}
