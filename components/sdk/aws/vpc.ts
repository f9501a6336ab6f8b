export { SecurityGroupIngressRule } from "@pulumi/aws/vpc/securityGroupIngressRule";
