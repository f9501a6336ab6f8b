import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { TenantConfig } from "../../config";
import type { Environment } from "../../config/common";
import { hasRedisUser, Tier, tenantMove } from "../../config/tenants";
import { tenantNamespaceName } from "../kubernetes/labels";
import { tenantLifecycle, tenantNames } from "./lifecycle";
import { TenantPostgresArgs, databaseUrl, tenantPostgres } from "./postgres";
import { TenantRedisArgs, redisUrl, tenantRedisUser } from "./redis";
import { TenantKubernetesArgs, tenantConnectorsSecret, tenantKubernetes } from "./kubernetes";

export { tenantLifecycle, tenantNames } from "./lifecycle";
export type { Lifecycle } from "./lifecycle";
export { databaseUrl, moveSchemaNames } from "./postgres";
export { TENANT_DENIED_COMMANDS, tenantAccessString, tenantRedisUserId } from "./redis";
export { DATABASE_NAME_ANNOTATION, connectorEnvironment, tenantNetworkPolicySpec, tenantQuota } from "./kubernetes";

export interface TenantArgs {
  /** The tenant's validated entry from `platform:tenants`. */
  tenant: TenantConfig;
  /** Production protects the tenant's role, schema and database (`protect: true`) unless it is `deleted`. */
  environment: Environment;
  /** The data tier's PostgreSQL (admin provider, application database, address). */
  postgres: TenantPostgresArgs;
  /** The data tier's Redis, and `platform:redis.tenantUserTiers` deciding who gets a user of its own. */
  redis: TenantRedisArgs & { userTiers: readonly Tier[] };
  /** The cluster and the platform namespace. */
  kubernetes: TenantKubernetesArgs;
}

/**
 * One tenant of the platform. Its component URN is the tenant's identity in state: every tenant-scoped resource
 * is its child, so a preview groups them under it and `pulumi state move` can move a tenant whole.
 *
 * Children (standard tier, active): a generated password, the PostgreSQL role and schema, and the namespace with
 * its quota, limit range, network policy, service account and connection Secret (9 resources). Dedicated tiers add
 * a database and its PUBLIC revoke; tenants with a Redis user add the user and its group membership. See
 * `tenantLifecycle` for what each `state` keeps.
 */
export class Tenant extends pulumi.ComponentResource {
  readonly tenantId: string;
  readonly tier: string;
  readonly state: string;
  /** The tier change in progress (`platform:tenants[].move`): the tier it moves from and the step. */
  readonly move?: { from: string; step: string };
  /**
   * During a move, where its data goes: the old and new homes' databases (the schema is `postgres.schema` in both)
   * and the resources the copy waits for (the role's NOLOGIN, the new home's schema).
   */
  readonly moveHomes?: { from: pulumi.Input<string>; to: pulumi.Input<string>; dependsOn: pulumi.Resource[] };
  /** Kubernetes namespace of the tenant's workloads (`tenant-<id>`). */
  readonly namespaceName: string;
  /** The created namespace's name, for objects that must wait for it; undefined once the tenant is deleted. */
  readonly kubernetesNamespace?: pulumi.Output<string>;
  /** PostgreSQL role, schema and database names (plain). */
  readonly postgres: { role: string; schema: string; database: pulumi.Output<string> };
  /** Always secrets; undefined when the tenant has no such credential (deleted, or no Redis user). */
  readonly databaseUrl?: pulumi.Output<string>;
  readonly redisUrl?: pulumi.Output<string>;
  /** The tenant's membership in the Redis user group, when it has a Redis user: the next membership waits for it. */
  readonly redisMembership?: pulumi.Resource;
  /**
   * What the tenant's workloads run with, while it has a runtime: its service account (`tenant-workload`) and the
   * Secrets they mount with `envFrom` (`tenant-connection`, and `tenant-connectors` when it has connectors).
   */
  readonly workload?: { serviceAccountName: pulumi.Output<string>; envFromSecrets: pulumi.Output<string>[] };

  constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:tenant:Tenant", name, {}, opts);
    const { tenant } = args;
    this.tenantId = tenant.id;
    this.tier = tenant.tier;
    this.state = tenant.state;
    if (tenant.move) this.move = { from: tenant.move.from, step: tenant.move.step };
    this.namespaceName = tenantNamespaceName(tenant.id);
    const lifecycle = tenantLifecycle(tenant, args.environment);

    // One generated credential for the tenant's PostgreSQL role and Redis user: both reach the tenant's workloads
    // through the same Secret, so separate passwords would not narrow what a leak exposes. Letters and digits only
    // (valid for both, and in URLs). Bump `credentialsGeneration` to rotate.
    const password = lifecycle.keepsData
      ? pulumi.secret(
          new random.RandomPassword(
            `${name}-password`,
            {
              length: 40,
              special: false,
              minLower: 4,
              minUpper: 4,
              minNumeric: 4,
              keepers: { generation: String(tenant.credentialsGeneration) },
            },
            { parent: this, additionalSecretOutputs: ["result"] },
          ).result,
        )
      : undefined;

    const pg = tenantPostgres(name, tenant, lifecycle, password ?? "", args.postgres, this);
    this.postgres = { role: pg.role, schema: pg.schema, database: pulumi.output(pg.database) };
    const move = tenantMove(tenant);
    if (move && pg.moveDependsOn) {
      const homeOf = (isolation: "dedicated" | "schema") =>
        isolation === "dedicated" ? tenantNames(tenant.id).database : args.postgres.applicationDatabase;
      this.moveHomes = { from: homeOf(move.from), to: homeOf(move.to), dependsOn: pg.moveDependsOn };
    }
    const withRedisUser = hasRedisUser(tenant, args.redis.userTiers) && lifecycle.hasRuntime;

    if (password && lifecycle.hasRuntime) {
      this.databaseUrl = databaseUrl({
        role: pg.role,
        password,
        host: args.postgres.host,
        port: args.postgres.port,
        database: pg.database,
      });
      if (withRedisUser) {
        this.redisMembership = tenantRedisUser(name, tenant.id, lifecycle, password, args.redis, this).membership;
        this.redisUrl = redisUrl({
          user: tenantNames(tenant.id).redisUser,
          password,
          host: args.redis.host,
          port: args.redis.port,
        });
      }
      const kubernetes = tenantKubernetes(
        name,
        tenant,
        args.environment,
        {
          databaseUrl: this.databaseUrl,
          databaseName: pg.database,
          redisUrl: this.redisUrl,
          databasePort: args.postgres.port,
          redisPort: args.redis.port,
        },
        args.kubernetes,
        this,
      );
      this.kubernetesNamespace = kubernetes.namespace;
      const connectors =
        Object.keys(tenant.connectors).length > 0
          ? [tenantConnectorsSecret(name, tenant, kubernetes.namespace, args.kubernetes, this)]
          : [];
      this.workload = {
        serviceAccountName: kubernetes.serviceAccountName,
        envFromSecrets: [kubernetes.connectionSecretName, ...connectors],
      };
    }

    this.registerOutputs({
      id: tenant.id,
      name: tenant.name,
      tier: tenant.tier,
      state: tenant.state,
      namespace: this.namespaceName,
      databaseUrl: this.databaseUrl,
      redisUrl: this.redisUrl,
    });
  }

  /** Stack-output view: names in plain text, URLs as secrets; `move` while a move runs (read by the next preview). */
  outputs() {
    return {
      tier: this.tier,
      state: this.state,
      ...(this.move ? { move: this.move } : {}),
      namespace: this.namespaceName,
      postgres: this.postgres,
      databaseUrl: this.databaseUrl,
      redisUrl: this.redisUrl,
    };
  }
}
