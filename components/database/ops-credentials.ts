import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import { standardLabels } from "../kubernetes/labels";
import type { DatabaseAccess } from "../jobs/database-access";
import { LOGIN_ANNOTATIONS } from "./platform-connection";

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
 * The login the platform's operations jobs (backups, exports, VACUUM ANALYZE) use, as a Kubernetes Secret, and the
 * `DatabaseAccess` those jobs take. They run as the operations role (`platform_ops`, never the RDS master): a member
 * of every tenant role and of the application role, so it dumps and vacuums their objects with the owners'
 * privileges (on RDS nobody is a superuser, and before PostgreSQL 17 only an owner may VACUUM a table). The user
 * name is also an annotation (names are not secrets: the plan shows which role the jobs use), the password a secret.
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
          annotations: { [LOGIN_ANNOTATIONS.database]: args.username },
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
