import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "../sdk/kubernetes";

/** How a job reaches PostgreSQL: endpoint plus a Kubernetes Secret holding the login. */
export interface DatabaseAccess {
  /** Host name of the server (e.g. the RDS instance address). */
  host: pulumi.Input<string>;
  /** Port. Defaults to 5432. */
  port?: pulumi.Input<number>;
  /** Kubernetes Secret (in the job's namespace) with the login. */
  credentialsSecret: {
    name: pulumi.Input<string>;
    /** Key of the user name. Defaults to "username". */
    usernameKey?: string;
    /** Key of the password. Defaults to "password". */
    passwordKey?: string;
  };
  /** libpq sslmode. Defaults to "require" (RDS accepts TLS; the password never crosses the network in clear). */
  sslMode?: string;
}

/** libpq environment variables for a container: the password comes from the Secret, never from the spec. */
export function libpqEnv(database: DatabaseAccess): k8s.types.input.core.v1.EnvVar[] {
  const fromSecret = (key: string) => ({ secretKeyRef: { name: database.credentialsSecret.name, key } });
  return [
    { name: "PGHOST", value: database.host },
    { name: "PGPORT", value: pulumi.output(database.port ?? 5432).apply(String) },
    { name: "PGUSER", valueFrom: fromSecret(database.credentialsSecret.usernameKey ?? "username") },
    { name: "PGPASSWORD", valueFrom: fromSecret(database.credentialsSecret.passwordKey ?? "password") },
    { name: "PGSSLMODE", value: database.sslMode ?? "require" },
    { name: "PGCONNECT_TIMEOUT", value: "30" },
  ];
}

/** UID of the `postgres` user in the official postgres images (Debian variants). */
export const POSTGRES_IMAGE_UID = 999;
