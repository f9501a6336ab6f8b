export { Alias } from "@pulumi/aws/kms/alias";
export { Key } from "@pulumi/aws/kms/key";
