// The credentials the platform's own services connect with, as one Kubernetes Secret every platform worker pool and
// job mounts with `envFrom`: DATABASE_URL (the application role, never the master) and REDIS_URL (the platform
// Redis user; the `default` user is off, so a client without these could not even authenticate).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import { standardLabels } from "../kubernetes/labels";
import { databaseUrl } from "../tenant/postgres";
import { redisUrl } from "../tenant/redis";

/** Name of the Secret in the platform namespace. */
export const PLATFORM_CONNECTION_SECRET = "platform-connection";

export interface PlatformConnectionArgs {
  /** The platform namespace. */
  namespace: pulumi.Input<string>;
  /**
   * The active instance's address and port (`Database.address`: after a restore or a DR promotion it is the new
   * instance, and so is this Secret), the application database and the application role's login.
   */
  database: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    name: pulumi.Input<string>;
    user: pulumi.Input<string>;
    password: pulumi.Input<string>;
  };
  /** The replication group's primary endpoint and the platform Redis user's login. */
  redis: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    user: string;
    password: pulumi.Input<string>;
  };
  /**
   * Bumped generations of the credentials (database application role, Redis platform user): stamped on the pods of
   * the workloads mounting the Secret (`credentialsAnnotation`) so a rotation restarts them. Defaults to none.
   */
  generations?: Record<string, number>;
  provider: k8s.Provider;
}

/**
 * Annotations naming the logins a Secret holds. The Kubernetes SDK marks a Secret's whole `stringData` secret
 * (@pulumi/kubernetes core/v1/secret.js), so the plan would show even the user names as `[secret]`; metadata is
 * not secret, and names of roles and users are not secrets: a reviewer sees which login each workload uses.
 */
export const LOGIN_ANNOTATIONS = { database: "platform.io/database-user", redis: "platform.io/redis-user" } as const;

/** Pod-template annotation that changes when a mounted credential rotates: environment variables are read at start. */
export const CREDENTIALS_ANNOTATION = "platform.io/credentials-generation";

export class PlatformConnection extends pulumi.ComponentResource {
  /** The Secret's name (an Output, so mounting workloads wait for it). */
  readonly secretName: pulumi.Output<string>;
  /** `CREDENTIALS_ANNOTATION`'s value for the pods that mount the Secret. */
  readonly generation: string;

  constructor(name: string, args: PlatformConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:database:PlatformConnection", name, {}, opts);
    const { database, redis } = args;
    // URLs are secrets; the role and user names are not: in plain text as annotations (LOGIN_ANNOTATIONS).
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: {
          name: PLATFORM_CONNECTION_SECRET,
          namespace: args.namespace,
          labels: standardLabels({ name: "platform", component: "connection-secret" }),
          annotations: { [LOGIN_ANNOTATIONS.database]: database.user, [LOGIN_ANNOTATIONS.redis]: redis.user },
        },
        type: "Opaque",
        stringData: {
          DATABASE_URL: databaseUrl({ role: database.user, ...database, database: database.name }),
          DATABASE_USER: database.user,
          REDIS_URL: redisUrl(redis),
          REDIS_USER: redis.user,
        },
      },
      { parent: this, provider: args.provider },
    );
    this.secretName = secret.metadata.name;
    this.generation = Object.entries(args.generations ?? {})
      .map(([k, v]) => `${k}-${v}`)
      .join(",");
    this.registerOutputs({ secretName: this.secretName });
  }
}
