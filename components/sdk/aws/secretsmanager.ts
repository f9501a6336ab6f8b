export { Secret } from "@pulumi/aws/secretsmanager/secret";
export { SecretVersion } from "@pulumi/aws/secretsmanager/secretVersion";
