import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The worker logs one line per dead letter (WorkerDeadLetterSink: "dead-lettered (<reason> ..."). */
export const DEAD_LETTER_LOG_TERM = 'dead-lettered';

/** The worker falls behind: the oldest unread record is over 5 minutes old. */
export function iteratorAgeAlarm(scope: Construct, iteratorAge: cloudwatch.IMetric): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'IteratorAgeAlarm', {
    alarmDescription: 'The worker is more than 5 minutes behind the stream.',
    metric: iteratorAge,
    threshold: Duration.minutes(5).toMilliseconds(),
    evaluationPeriods: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** The worker logs one line per shard resumed past records trimmed unread (ShardConsumer: "records lost: ..."). */
export const RECORDS_LOST_LOG_TERM = 'records lost';

/** An alarm on any worker log line containing `term`, counted by a metric filter in the worker's log group. */
function logLineAlarm(scope: Construct, id: string, workerLogs: logs.ILogGroup, spec: { term: string; metricName: string; description: string }): cloudwatch.Alarm {
  const filter = new logs.MetricFilter(scope, `${id}Count`, {
    logGroup: workerLogs,
    filterPattern: logs.FilterPattern.literal(`"${spec.term}"`),
    metricNamespace: 'NestKinesisUploads',
    metricName: spec.metricName,
    metricValue: '1',
    defaultValue: 0,
  });
  return new cloudwatch.Alarm(scope, `${id}Alarm`, {
    alarmDescription: spec.description,
    metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/**
 * Any dead letter: a record that can never succeed went to dead-letter/ in the bucket
 * (inspect it, then `npm run redrive`). Counted from the worker's log lines.
 */
export function deadLetterAlarm(scope: Construct, workerLogs: logs.ILogGroup): cloudwatch.Alarm {
  return logLineAlarm(scope, 'DeadLetter', workerLogs, {
    term: DEAD_LETTER_LOG_TERM,
    metricName: 'DeadLetters',
    description: 'The worker dead-lettered a record (see dead-letter/ in the bucket, then npm run redrive).',
  });
}

/**
 * Records trimmed unread: a shard was resumed from a checkpoint older than the stream's
 * retention (the workers were down or stuck longer than that). The log line names the shard
 * and the span lost; the uploads of that span stay `pending`.
 */
export function recordsLostAlarm(scope: Construct, workerLogs: logs.ILogGroup): cloudwatch.Alarm {
  return logLineAlarm(scope, 'RecordsLost', workerLogs, {
    term: RECORDS_LOST_LOG_TERM,
    metricName: 'RecordsTrimmedUnread',
    description: 'A shard resumed past records the stream trimmed before any worker read them (see the worker log line "records lost").',
  });
}
