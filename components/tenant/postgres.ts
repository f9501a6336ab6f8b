import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import type { TenantConfig } from "../../config";
import { isolationOf, tenantConnectionLimit, tenantMove } from "../../config/tenants";
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
  /**
   * The operations role (`Database.roles`): made a member of the tenant role, so backups, exports and maintenance
   * read and vacuum the tenant's objects as their owner would, and its provider revokes PUBLIC's privileges on a
   * dedicated database as the owner would.
   */
  operations: { role: pulumi.Input<string>; ownerProvider: postgresql.Provider };
  /**
   * The login of `provider` (the RDS master). Once PUBLIC loses CONNECT on a dedicated database the master may only
   * connect because the owner grants it CONNECT: it creates and reads the tenant's schema in there.
   */
  adminRole: pulumi.Input<string>;
}

export interface TenantPostgres {
  role: string;
  /** Database the tenant connects to: its own (dedicated tiers) or the shared application database. */
  database: pulumi.Input<string>;
  schema: string;
  /** During a move: the resources its copy waits for (the role's NOLOGIN, the new home's schema). */
  moveDependsOn?: pulumi.Resource[];
}

/**
 * A tenant's PostgreSQL: a login role `tenant_<id>` (connection limit by tier, login only while active), and either
 * a schema `tenant_<id>` in the shared application database (pooled tiers) or a database `tenant_<id>` of its own
 * with the same schema inside (dedicated tiers). Every object is owned by the tenant role and no other tenant gets a
 * privilege: a new schema grants nothing to PUBLIC, and a dedicated database has CONNECT and TEMP revoked from PUBLIC
 * (PostgreSQL grants both to everyone by default). The role's default search_path (`"$user", public`) finds the
 * schema first, in both layouts. The operations role is a member of the tenant role while the tenant has data.
 *
 * Who runs what (cyrilgdn/terraform-provider-postgresql): the master creates the role; creates the database as its
 * owner after granting itself the owner role, revoked right after (`createDatabase`, resource_postgresql_database.go);
 * creates the schema inside `withRolesGranted` (postgresql/helpers.go) of the database owner and the schema owner,
 * revoked at the end of the transaction; grants the tenant role to the operations role (`GrantRole`). The PUBLIC
 * revoke, and the master's own CONNECT on the dedicated database (it creates and refreshes the schema in there),
 * run on the operations role's connection (see `DatabaseRoles.ownerProvider`), after that membership exists.
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
  const move = tenantMove(tenant);
  const target = isolationOf(tenant.tier);
  // Where the workloads connect: the old home until the move's switch, then the tier's.
  const live = move?.step === "copy" ? move.from : target;
  const result: TenantPostgres = {
    role: names.role,
    schema: names.schema,
    database: live === "dedicated" ? names.database : args.applicationDatabase,
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
  // Dumps, exports (offboarded tenants) and VACUUM read and maintain the tenant's objects through this membership.
  const membership = new postgresql.GrantRole(
    `${name}-ops-membership`,
    { role: args.operations.role, grantRole: role.name, withAdminOption: false },
    opts,
  );
  // At most one of a tenant's homes is a database of its own: the tier's, or during a move the old one.
  let ownDatabase: { name: pulumi.Output<string>; ready: pulumi.Resource } | undefined;
  if (target === "dedicated" || move?.from === "dedicated") {
    const retiring = move?.step === "retire" && move.from === "dedicated";
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
      { ...data, protect: data.protect && !retiring, ...adopt(names.database) },
    );
    // Revoke everything PUBLIC holds on the database (CONNECT, TEMP): an empty privilege list revokes all. Issued
    // by a member of the owner (the operations role), else PostgreSQL revokes nothing, with only a WARNING.
    const asOwner = { parent, provider: args.operations.ownerProvider, dependsOn: [membership] };
    new postgresql.Grant(
      `${name}-db-public-revoke`,
      { database: own.name, role: "public", objectType: "database", privileges: [] },
      asOwner,
    );
    // The provider creates and refreshes the schema below on the master's connection to this database.
    const adminConnect = new postgresql.Grant(
      `${name}-db-admin-connect`,
      { database: own.name, role: args.adminRole, objectType: "database", privileges: ["CONNECT"] },
      asOwner,
    );
    ownDatabase = { name: own.name, ready: adminConnect };
  }
  const schema = (
    resourceName: string,
    home: "dedicated" | "schema",
    options: { protect: boolean; dropCascade: boolean; aliases?: string[] },
  ) => {
    const inDatabase = home === "dedicated" ? ownDatabase! : undefined;
    const importDatabase = home === "dedicated" ? names.database : args.adoptFrom?.applicationDatabase;
    return new postgresql.Schema(
      resourceName,
      {
        name: names.schema,
        database: inDatabase?.name ?? args.applicationDatabase,
        owner: role.name,
        dropCascade: options.dropCascade,
      },
      {
        ...opts,
        protect: options.protect,
        dependsOn: inDatabase ? [inDatabase.ready] : [],
        aliases: (options.aliases ?? []).map((alias) => ({ name: alias })),
        ...adopt(`${importDatabase}.${names.schema}`),
      },
    );
  };
  const schemaNames = moveSchemaNames(name);
  if (!move) {
    // The alias renames a finished move's new home (`-move-schema`) to the name every tenant's schema has.
    schema(schemaNames.current, target, {
      protect: data.protect,
      dropCascade: lifecycle.dropCascade,
      aliases: [schemaNames.moved],
    });
  } else {
    // The old home keeps its name and protection until `retire`, which renames it out of the way (its data is
    // verified elsewhere), lifts protection and arms the cascade: removing the move block then drops it.
    const retiring = move.step === "retire";
    schema(retiring ? schemaNames.retired : schemaNames.current, move.from, {
      protect: data.protect && !retiring,
      dropCascade: retiring || lifecycle.dropCascade,
      aliases: retiring ? [schemaNames.current] : [],
    });
    const moved = schema(schemaNames.moved, target, { protect: data.protect, dropCascade: lifecycle.dropCascade });
    result.moveDependsOn = [role, moved];
  }
  return result;
}

/**
 * Pulumi names of a tenant's schema resources. `current`: every tenant's schema, and a moving tenant's old home until
 * `retire`; `moved`: the new home while the move runs; `retired`: the old home from `retire` on. Renames go through
 * aliases, so no step replaces a schema: at `retire` the old home leaves `current` (alias), and once the move block
 * is removed the new home takes it (alias of `moved`) while the old home is dropped.
 */
export const moveSchemaNames = (name: string) => ({
  current: `${name}-schema`,
  moved: `${name}-move-schema`,
  retired: `${name}-retired-schema`,
});

/** `postgresql://` URL of a tenant (TLS required; the password is URL-encoded). A secret when the password is. */
export function databaseUrl(args: {
  role: pulumi.Input<string>;
  password: pulumi.Input<string>;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  database: pulumi.Input<string>;
}) {
  return pulumi.secret(
    pulumi.interpolate`postgresql://${args.role}:${pulumi.output(args.password).apply(encodeURIComponent)}@${args.host}:${args.port}/${args.database}?sslmode=require`,
  );
}
