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

/**
 * Any dead letter: a record that can never succeed went to dead-letter/ in the bucket
 * (inspect it, then `npm run redrive`). Counted from the worker's log lines.
 */
export function deadLetterAlarm(scope: Construct, workerLogs: logs.ILogGroup): cloudwatch.Alarm {
  const filter = new logs.MetricFilter(scope, 'DeadLetterCount', {
    logGroup: workerLogs,
    filterPattern: logs.FilterPattern.literal(`"${DEAD_LETTER_LOG_TERM}"`),
    metricNamespace: 'NestKinesisUploads',
    metricName: 'DeadLetters',
    metricValue: '1',
    defaultValue: 0,
  });
  return new cloudwatch.Alarm(scope, 'DeadLetterAlarm', {
    alarmDescription: 'The worker dead-lettered a record (see dead-letter/ in the bucket, then npm run redrive).',
    metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
