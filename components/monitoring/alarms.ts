import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";

export type Severity = "warning" | "critical";

/** A CloudWatch alarm as data: pure helpers build these from config, `createAlarms` turns them into resources. */
export interface AlarmSpec {
  /** Role in the resource name: `${name}-alarm-<role>`. */
  role: string;
  severity: Severity;
  description: string;
  namespace: "AWS/RDS" | "AWS/ElastiCache";
  metricName: string;
  statistic: "Average" | "Maximum" | "Minimum" | "Sum";
  comparison:
    "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanOrEqualToThreshold";
  threshold: number;
  periodSeconds: number;
  /** Consecutive breaching periods before the alarm fires. */
  evaluationPeriods: number;
  dimensions: Record<string, pulumi.Input<string>>;
  /** Defaults to "missing" (a metric that stops reporting is itself suspicious) unless the metric is sparse. */
  treatMissingData?: "missing" | "notBreaching" | "breaching";
  /**
   * A metric-math alarm instead of a plain one: the metric above is query `m1` (not returned) and the threshold
   * applies to this expression over it (CloudWatch metric math, e.g. `100 * (A - m1) / C`). Defaults to none.
   */
  expression?: { expression: pulumi.Input<string>; label: string };
}

/** Evaluation periods of one minute that add up to `minutes`. */
export const minutes = (count: number) => ({ periodSeconds: 60, evaluationPeriods: count });

/** Creates one MetricAlarm per spec, alarming and recovering to the topic. */
export function createAlarms(
  name: string,
  specs: AlarmSpec[],
  topicArn: pulumi.Input<string>,
  opts: { parent: pulumi.Resource; provider: aws.Provider },
) {
  return specs.map(
    (spec) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-alarm-${spec.role}`,
        {
          alarmDescription: `[${spec.severity}] ${spec.description}`,
          ...(spec.expression
            ? {
                metricQueries: [
                  {
                    id: "m1",
                    returnData: false,
                    metric: {
                      namespace: spec.namespace,
                      metricName: spec.metricName,
                      dimensions: spec.dimensions,
                      stat: spec.statistic,
                      period: spec.periodSeconds,
                    },
                  },
                  { id: "e1", expression: spec.expression.expression, label: spec.expression.label, returnData: true },
                ],
              }
            : {
                namespace: spec.namespace,
                metricName: spec.metricName,
                statistic: spec.statistic,
                period: spec.periodSeconds,
                dimensions: spec.dimensions,
              }),
          comparisonOperator: spec.comparison,
          threshold: spec.threshold,
          evaluationPeriods: spec.evaluationPeriods,
          datapointsToAlarm: spec.evaluationPeriods,
          treatMissingData: spec.treatMissingData ?? "missing",
          alarmActions: [topicArn],
          okActions: [topicArn],
          tags: { severity: spec.severity },
        },
        opts,
      ),
  );
}
