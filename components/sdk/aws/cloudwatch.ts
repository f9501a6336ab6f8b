export { MetricAlarm } from "@pulumi/aws/cloudwatch/metricAlarm";
