import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import { standardLabels } from "../kubernetes/labels";
import type { DatabaseAccess } from "../jobs/database-access";

export interface DatabaseOpsCredentialsArgs {
  /** Namespace of the platform's jobs. */
  namespace: pulumi.Input<string>;
  /** Address of the database (the RDS instance, or a restored one: consumers follow it). */
  host: pulumi.Input<string>;
  /** Port. Defaults to 5432. */
  port?: pulumi.Input<number>;
  /** Login of the operations jobs. */
  username: pulumi.Input<string>;
  /** Its password (a secret Output). */
  password: pulumi.Input<string>;
  /** Kubernetes provider. */
  provider: k8s.Provider;
}

/**
 * The login the platform's operations jobs (backups, VACUUM ANALYZE) use, as a Kubernetes Secret, and the
 * `DatabaseAccess` those jobs take. They run as the RDS master user: dumping tenant-owned schemas and databases and
 * vacuuming tenant tables needs ownership or rds_superuser on PostgreSQL before 17.
 */
export class DatabaseOpsCredentials extends pulumi.ComponentResource {
  readonly access: DatabaseAccess;

  constructor(name: string, args: DatabaseOpsCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:database:OpsCredentials", name, {}, opts);
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: {
          name: "database-ops-credentials",
          namespace: args.namespace,
          labels: standardLabels({ name: "database-ops", component: "credentials" }),
        },
        type: "Opaque",
        stringData: { username: args.username, password: pulumi.secret(args.password) },
      },
      { parent: this, provider: args.provider },
    );
    this.access = { host: args.host, port: args.port ?? 5432, credentialsSecret: { name: secret.metadata.name } };
    this.registerOutputs({ secretName: secret.metadata.name });
  }
}
