// IAM for the backup jobs' service accounts (IRSA): who may assume each role, and the S3/KMS scope each gets.
/** The issuer host/path of an IAM OIDC provider ARN (`oidc.eks.<region>.amazonaws.com/id/<id>`). */
export function oidcIssuerOf(oidcProviderArn: string): string {
  const index = oidcProviderArn.indexOf(":oidc-provider/");
  if (index < 0) throw new Error(`not an IAM OIDC provider ARN: ${oidcProviderArn}`);
  return oidcProviderArn.slice(index + ":oidc-provider/".length);
}

/** Trust policy letting exactly one Kubernetes service account assume a role through the cluster's OIDC provider. */
export function irsaTrustPolicy(oidcProviderArn: string, namespace: string, serviceAccount: string): string {
  const issuer = oidcIssuerOf(oidcProviderArn);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  });
}

/**
 * S3 permissions of a backup job, scoped to the bucket prefix. The writer may only put objects (it can neither
 * read nor delete backups); the verifier may only list the prefix and read objects under it.
 */
export function backupAccessPolicy(
  role: "writer" | "verifier",
  a: { bucketArn: string; prefix: string; kmsKeyArn: string },
): string {
  const objects = `${a.bucketArn}/${a.prefix}/*`;
  const statements =
    role === "writer"
      ? [
          { Sid: "PutDumps", Effect: "Allow", Action: ["s3:PutObject"], Resource: [objects] },
          // Multipart uploads of SSE-KMS objects need Decrypt as well as GenerateDataKey.
          {
            Sid: "EncryptDumps",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: [a.kmsKeyArn],
          },
        ]
      : [
          {
            Sid: "ListDumps",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: [a.bucketArn],
            Condition: { StringLike: { "s3:prefix": [`${a.prefix}/*`] } },
          },
          { Sid: "ReadDumps", Effect: "Allow", Action: ["s3:GetObject"], Resource: [objects] },
          { Sid: "DecryptDumps", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [a.kmsKeyArn] },
        ];
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
