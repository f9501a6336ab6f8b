// The parts of @pulumi/aws the platform uses, imported class by class (components/sdk/aws/<service>.ts): the package
// root loads the index of every AWS service (a few hundred modules), and a service's index also loads its mixins,
// enums and what they use (Lambda among them). Import as `import * as aws from "../sdk/aws"` and write
// `aws.rds.Instance` as with the root package. Add a class to its service's file before using it.
export * as cloudwatch from "./aws/cloudwatch";
export * as ec2 from "./aws/ec2";
export * as elasticache from "./aws/elasticache";
export * as iam from "./aws/iam";
export * as kms from "./aws/kms";
export * as rds from "./aws/rds";
export * as s3 from "./aws/s3";
export * as secretsmanager from "./aws/secretsmanager";
export * as sns from "./aws/sns";
export * as vpc from "./aws/vpc";
export { Provider } from "@pulumi/aws/provider";
export type { ProviderArgs } from "@pulumi/aws/provider";
export type { Region } from "@pulumi/aws/types/enums";
export type * as types from "@pulumi/aws/types";
