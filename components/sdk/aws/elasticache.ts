export { ParameterGroup } from "@pulumi/aws/elasticache/parameterGroup";
export { ReplicationGroup } from "@pulumi/aws/elasticache/replicationGroup";
export { SubnetGroup } from "@pulumi/aws/elasticache/subnetGroup";
export { User } from "@pulumi/aws/elasticache/user";
export { UserGroup } from "@pulumi/aws/elasticache/userGroup";
export { UserGroupAssociation } from "@pulumi/aws/elasticache/userGroupAssociation";
