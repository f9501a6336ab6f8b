export { Role } from "@pulumi/aws/iam/role";
export { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
export { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
