import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import type { TenantConfig } from "../../config";
import { TIER_PROFILES, tenantConnectionLimit } from "../../config/tenants";
import { Lifecycle, tenantNames } from "./lifecycle";

export interface TenantPostgresArgs {
  /** Admin connection of the data tier (`Database.adminProvider`); every tenant role, schema and grant uses it. */
  provider: postgresql.Provider;
  /** The shared application database that holds pooled tenants' schemas (`Database.applicationDatabase.name`). */
  applicationDatabase: pulumi.Input<string>;
  /** Address and port tenants connect to (`Database.address`, `Database.port`). */
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  /**
   * Adopt existing objects (the `import` option) instead of creating them: after a DR promotion, tenant roles,
   * schemas and databases already exist by replication. Holds the application database's name. Defaults to create.
   */
  adoptFrom?: { applicationDatabase: string };
}

export interface TenantPostgres {
  role: string;
  /** Database the tenant connects to: its own (dedicated tiers) or the shared application database. */
  database: pulumi.Input<string>;
  schema: string;
}

/**
 * A tenant's PostgreSQL: a login role `tenant_<id>` (connection limit by tier, login only while active), and either
 * a schema `tenant_<id>` in the shared application database (pooled tiers) or a database `tenant_<id>` of its own
 * with the same schema inside (dedicated tiers). Every object is owned by the tenant role and nobody else gets a
 * privilege: a new schema grants nothing to PUBLIC, and a dedicated database has CONNECT and TEMP revoked from PUBLIC
 * (PostgreSQL grants both to everyone by default). The role's default search_path (`"$user", public`) finds the
 * schema first, in both layouts.
 */
export function tenantPostgres(
  name: string,
  tenant: TenantConfig,
  lifecycle: Lifecycle,
  password: pulumi.Input<string>,
  args: TenantPostgresArgs,
  parent: pulumi.Resource,
): TenantPostgres {
  const names = tenantNames(tenant.id);
  const dedicated = TIER_PROFILES[tenant.tier].isolation === "dedicated";
  const result = {
    role: names.role,
    schema: names.schema,
    database: dedicated ? names.database : args.applicationDatabase,
  };
  if (!lifecycle.keepsData) return result;

  const opts = { parent, provider: args.provider };
  const data = { ...opts, protect: lifecycle.protectData };
  const adopt = (id: string) => (args.adoptFrom ? { import: id } : {});
  const role = new postgresql.Role(
    `${name}-role`,
    {
      name: names.role,
      login: lifecycle.canLogin,
      connectionLimit: tenantConnectionLimit(tenant),
      password,
      createDatabase: false,
      createRole: false,
      superuser: false,
    },
    { ...data, additionalSecretOutputs: ["password"], ...adopt(names.role) },
  );
  let database: pulumi.Input<string> = args.applicationDatabase;
  if (dedicated) {
    const own = new postgresql.Database(
      `${name}-db`,
      {
        name: names.database,
        owner: role.name,
        template: "template0",
        encoding: "UTF8",
        connectionLimit: -1,
        allowConnections: true,
      },
      { ...data, ...adopt(names.database) },
    );
    // Revoke everything PUBLIC holds on the database (CONNECT, TEMP): an empty privilege list revokes all.
    new postgresql.Grant(
      `${name}-db-public-revoke`,
      { database: own.name, role: "public", objectType: "database", privileges: [] },
      opts,
    );
    database = own.name;
    result.database = own.name;
  }
  const schemaDatabase = dedicated ? names.database : args.adoptFrom?.applicationDatabase;
  new postgresql.Schema(
    `${name}-schema`,
    { name: names.schema, database, owner: role.name, dropCascade: lifecycle.dropCascade },
    { ...data, ...adopt(`${schemaDatabase}.${names.schema}`) },
  );
  return result;
}

/** `postgresql://` URL of a tenant (TLS required; the password is URL-encoded). A secret when the password is. */
export function databaseUrl(args: {
  role: string;
  password: pulumi.Input<string>;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  database: pulumi.Input<string>;
}) {
  return pulumi.secret(
    pulumi.interpolate`postgresql://${args.role}:${pulumi.output(args.password).apply(encodeURIComponent)}@${args.host}:${args.port}/${args.database}?sslmode=require`,
  );
}
