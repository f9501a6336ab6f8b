import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";
import * as random from "@pulumi/random";

/**
 * Characters RDS accepts in a master password: printable ASCII except "/", "@", '"' and space. The special set is
 * also safe unquoted in a libpq URI's password after percent-encoding.
 */
export const RDS_PASSWORD_SPECIALS = "!#$%^&*()-_=+[]{}<>:?";

type ChildOpts = { parent: pulumi.Resource; provider: aws.Provider };

/** The generated master password (never in config); bump `generation` to rotate. Always a secret. */
export function masterPassword(name: string, generation: number, opts: ChildOpts): pulumi.Output<string> {
  const password = new random.RandomPassword(
    `${name}-master-password`,
    {
      length: 40,
      special: true,
      overrideSpecial: RDS_PASSWORD_SPECIALS,
      minLower: 4,
      minUpper: 4,
      minNumeric: 4,
      keepers: { generation: String(generation) },
    },
    { parent: opts.parent },
  );
  return pulumi.secret(password.result);
}

export interface StoredCredentials {
  username: string;
  password: pulumi.Input<string>;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  dbname: string;
  /** Key that encrypts the secret. */
  kmsKeyArn: pulumi.Input<string>;
}

/**
 * A Secrets Manager copy of the master credentials (the JSON shape RDS-managed secrets use), encrypted with the
 * database's key: for operators and tools that cannot read Pulumi outputs.
 */
export function storeCredentials(name: string, args: StoredCredentials, opts: ChildOpts) {
  const secret = new aws.secretsmanager.Secret(
    `${name}-master-secret`,
    {
      description: "PostgreSQL master credentials of the platform database (managed by Pulumi)",
      kmsKeyId: args.kmsKeyArn,
      recoveryWindowInDays: 30,
    },
    opts,
  );
  new aws.secretsmanager.SecretVersion(
    `${name}-master-secret-value`,
    {
      secretId: secret.id,
      secretString: pulumi.secret(
        pulumi.jsonStringify({
          engine: "postgres",
          username: args.username,
          password: args.password,
          host: args.host,
          port: args.port,
          dbname: args.dbname,
        }),
      ),
    },
    opts,
  );
  return secret;
}
