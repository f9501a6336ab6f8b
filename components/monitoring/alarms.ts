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
          namespace: spec.namespace,
          metricName: spec.metricName,
          statistic: spec.statistic,
          comparisonOperator: spec.comparison,
          threshold: spec.threshold,
          period: spec.periodSeconds,
          evaluationPeriods: spec.evaluationPeriods,
          datapointsToAlarm: spec.evaluationPeriods,
          dimensions: spec.dimensions,
          treatMissingData: spec.treatMissingData ?? "missing",
          alarmActions: [topicArn],
          okActions: [topicArn],
          tags: { severity: spec.severity },
        },
        opts,
      ),
  );
}
