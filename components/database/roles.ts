// The platform's own PostgreSQL logins besides the RDS master: the application role its services connect as, and
// the operations role backups, exports, restore checks and maintenance connect as (docs/data-tier.md, "Roles").
// RDS has no superuser, and every tenant object is owned by its tenant role: only an owner (or a member of the owner
// that inherits its privileges) may dump it, VACUUM it (before PostgreSQL 17's pg_maintain) or change its ACL.
import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import * as random from "@pulumi/random";

/** The role the backup, export, restore-verification and maintenance jobs log in as. */
export const OPERATIONS_ROLE = "platform_ops";
/** The role the platform's services (worker pools, the reconcile job) log in as. */
export const APPLICATION_ROLE = "platform_app";
/** Connections of the operations role: the backup and maintenance jobs, an export or two, Pulumi's owner provider. */
export const OPERATIONS_CONNECTION_LIMIT = 10;

export interface DatabaseRolesArgs {
  /** The master's connection (`Database.adminProvider`): it creates the roles and grants their memberships. */
  adminProvider: postgresql.Provider;
  /** The shared application database: the application role may create its tables in its `public` schema. */
  applicationDatabase: pulumi.Input<string>;
  /** Where the operations role's own Pulumi connection logs in (the admin endpoint, or a tunnel). */
  adminHost: pulumi.Input<string>;
  adminPort: pulumi.Input<number>;
  /** Bump to rotate the operations role's password (`platform:database.operationsPasswordGeneration`). */
  operationsPasswordGeneration: number;
  /** Bump to rotate the application role's password (`platform:database.applicationPasswordGeneration`). */
  applicationPasswordGeneration: number;
  /** CONNECTION LIMIT of the application role (`platform:database.platformPoolConnections`). */
  applicationConnectionLimit: number;
  /** PostgreSQL major version the provider expects. */
  engineVersion: string;
  /** Adopt the roles (`import`) instead of creating them: a promoted DR replica already has them. Defaults to false. */
  adopt?: boolean;
  /**
   * False while the instance is a read-only DR standby: the roles exist there by replication, so only the logins
   * (names, generated passwords) and the provider are made. Defaults to true.
   */
  writable?: boolean;
  /** Protect the roles (`protect: true`, production): dropping one would break every login using it. Defaults to false. */
  protect?: boolean;
}

export interface RoleLogin {
  /** The role's name (plain: names of roles are not secrets), as an Output of the Role so consumers wait for it. */
  name: pulumi.Output<string>;
  /** Its generated password; always a secret. */
  password: pulumi.Output<string>;
}

export interface DatabaseRoles {
  operations: RoleLogin;
  application: RoleLogin;
  /**
   * A connection logged in as the operations role. The operations role is a member of every tenant role, so what
   * it runs counts as the owner's: PostgreSQL accepts a GRANT or REVOKE on an object from its owner or a member of
   * the owner, "as though issued by the owner" (docs, GRANT). The provider runs `objectType: database` grants as the
   * login it has, granting itself no owner role (cyrilgdn/terraform-provider-postgresql, `getRolesToGrant` in
   * postgresql/resource_postgresql_grant.go returns none for databases), so a dedicated database's PUBLIC revoke
   * issued by the master (not the owner, not an inheriting member) revokes nothing.
   */
  ownerProvider: postgresql.Provider;
}

/** A generated password of letters and digits (safe in a URL and in libpq's environment); bump `generation` to rotate. */
function rolePassword(name: string, generation: number, parent: pulumi.Resource) {
  const password = new random.RandomPassword(
    name,
    {
      length: 40,
      special: false,
      minLower: 4,
      minUpper: 4,
      minNumeric: 4,
      keepers: { generation: String(generation) },
    },
    { parent, additionalSecretOutputs: ["result"] },
  );
  return pulumi.secret(password.result);
}

/**
 * The application and operations roles, the operations role's membership in the application role (its tables are
 * dumped and vacuumed as their owner's), the application role's CREATE on the application database's `public`
 * schema, and the operations role's own provider. Tenant memberships of the operations role are the tenants' own
 * resources (components/tenant/postgres.ts), so they come and go with the tenant.
 */
export function databaseRoles(name: string, args: DatabaseRolesArgs, parent: pulumi.Resource): DatabaseRoles {
  const opts = { parent, provider: args.adminProvider };
  const adopt = (id: string) => (args.adopt ? { import: id } : {});
  const role = (
    roleName: string,
    suffix: string,
    password: pulumi.Output<string>,
    connectionLimit: number,
    extra: pulumi.CustomResourceOptions = {},
  ) =>
    new postgresql.Role(
      `${name}-${suffix}-role`,
      {
        name: roleName,
        login: true,
        password,
        connectionLimit,
        superuser: false,
        createDatabase: false,
        createRole: false,
        inherit: true,
      },
      { ...opts, protect: args.protect, additionalSecretOutputs: ["password"], ...adopt(roleName), ...extra },
    );

  const applicationPassword = rolePassword(`${name}-app-password`, args.applicationPasswordGeneration, parent);
  const operationsPassword = rolePassword(`${name}-ops-password`, args.operationsPasswordGeneration, parent);
  const ownerProvider = new postgresql.Provider(
    `${name}-ops`,
    {
      host: args.adminHost,
      port: args.adminPort,
      username: OPERATIONS_ROLE,
      password: operationsPassword,
      database: "postgres",
      sslmode: "require",
      superuser: false,
      connectTimeout: 15,
      expectedVersion: args.engineVersion,
    },
    { parent },
  );
  if (args.writable === false)
    return {
      operations: { name: pulumi.output(OPERATIONS_ROLE), password: operationsPassword },
      application: { name: pulumi.output(APPLICATION_ROLE), password: applicationPassword },
      ownerProvider,
    };

  const application = role(APPLICATION_ROLE, "app", applicationPassword, args.applicationConnectionLimit);
  // Its memberships are granted by GrantRole resources (here and per tenant). The provider reads a role's
  // memberships back into `roles` and revokes what is not listed there, so the two must not fight: "ignore the
  // changes of the roles attribute" (cyrilgdn/terraform-provider-postgresql, website/docs/r/postgresql_grant_role).
  const operations = role(OPERATIONS_ROLE, "ops", operationsPassword, OPERATIONS_CONNECTION_LIMIT, {
    ignoreChanges: ["roles"],
  });
  new postgresql.GrantRole(
    `${name}-ops-app-membership`,
    { role: operations.name, grantRole: application.name, withAdminOption: false },
    opts,
  );
  // PUBLIC keeps only USAGE on `public` (the Database component's grant); the application role creates its tables.
  new postgresql.Grant(
    `${name}-app-public-schema-create`,
    {
      database: args.applicationDatabase,
      schema: "public",
      objectType: "schema",
      role: application.name,
      privileges: ["CREATE", "USAGE"],
    },
    opts,
  );
  return {
    operations: { name: operations.name, password: operationsPassword },
    application: { name: application.name, password: applicationPassword },
    ownerProvider,
  };
}
