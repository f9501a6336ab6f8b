import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";

export interface ClusterOnlySecurityGroupArgs {
  vpcId: string;
  /** The one TCP port admitted. */
  port: number;
  /** Security group of the Kubernetes nodes: the only source admitted. */
  clusterSecurityGroupId: string;
  description: string;
}

/**
 * A security group that admits one TCP port from the cluster's security group and nothing else: no CIDR ingress,
 * no egress (the provider removes AWS's default allow-all egress rule; the data stores never open connections).
 * Rules are standalone resources (`${name}-sg-from-cluster`), never inline, so the two never fight.
 */
export function clusterOnlySecurityGroup(
  name: string,
  args: ClusterOnlySecurityGroupArgs,
  opts: { parent: pulumi.Resource; provider: aws.Provider },
) {
  const group = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: args.description }, opts);
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-sg-from-cluster`,
    {
      securityGroupId: group.id,
      referencedSecurityGroupId: args.clusterSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: args.port,
      toPort: args.port,
      description: `port ${args.port} from the Kubernetes cluster only`,
    },
    opts,
  );
  return group;
}
