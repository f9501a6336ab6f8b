import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";

export interface AlertsTopicArgs {
  /** AWS provider of the stack's region. */
  provider: aws.Provider;
}

/**
 * The SNS topic every CloudWatch alarm and data-tier event notification of the stack publishes to. Subscribe the
 * on-call tooling (PagerDuty, chat) to it; its ARN is the `alertsTopicArn` stack output.
 */
export class AlertsTopic extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: AlertsTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:monitoring:AlertsTopic", name, {}, opts);
    this.topic = new aws.sns.Topic(
      `${name}-topic`,
      { displayName: "platform alerts" },
      { parent: this, provider: args.provider },
    );
    this.arn = this.topic.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
