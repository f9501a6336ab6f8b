import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";

export interface DataKeyArgs {
  /** What the key encrypts, shown in the KMS console. */
  description: string;
  /** Alias without the `alias/` prefix, e.g. `platform/prod/database`. */
  alias: string;
  /** Protect the key from deletion (production). */
  protect: boolean;
  /** Days KMS waits before deleting a scheduled key. Defaults to 30 (the maximum). */
  deletionWindowInDays?: number;
}

/**
 * A customer-managed KMS key with yearly automatic rotation and an alias. Created as a child of `parent`,
 * named `${name}-kms-key` / `${name}-kms-alias`. Losing the key loses every snapshot encrypted with it, so it is
 * protected wherever the data it encrypts is.
 */
export function createDataKey(
  name: string,
  args: DataKeyArgs,
  opts: { parent: pulumi.Resource; provider: aws.Provider },
) {
  const key = new aws.kms.Key(
    `${name}-kms-key`,
    {
      description: args.description,
      enableKeyRotation: true,
      deletionWindowInDays: args.deletionWindowInDays ?? 30,
      keyUsage: "ENCRYPT_DECRYPT",
    },
    { ...opts, protect: args.protect },
  );
  const alias = new aws.kms.Alias(`${name}-kms-alias`, { name: `alias/${args.alias}`, targetKeyId: key.keyId }, opts);
  return { key, alias };
}
