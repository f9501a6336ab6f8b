export { EventSubscription } from "@pulumi/aws/rds/eventSubscription";
export { Instance } from "@pulumi/aws/rds/instance";
export type { InstanceArgs } from "@pulumi/aws/rds/instance";
export { InstanceAutomatedBackupsReplication } from "@pulumi/aws/rds/instanceAutomatedBackupsReplication";
export { ParameterGroup } from "@pulumi/aws/rds/parameterGroup";
export { Snapshot } from "@pulumi/aws/rds/snapshot";
export { SubnetGroup } from "@pulumi/aws/rds/subnetGroup";
