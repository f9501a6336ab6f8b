// Applies the postgresql resources a plan records to a real server the way @pulumi/postgresql (a bridge of
// cyrilgdn/terraform-provider-postgresql) does: the same statements, in the same transactions, on the connection
// of the provider each resource names (so as the login that provider has), with the provider's membership checks
// and temporary grants. Then reads the objects back the way the provider's Read functions do and reports every
// difference a `pulumi up` would act on. Each function names the provider function it follows (postgresql/*.go).
// It knows the inputs the project uses and throws on any other, so a new input cannot be silently ignored.
import type { Client } from "pg";
import type { RecordedResource } from "@platform/offline-plan";
import type { Login } from "./postgres";
import { readBack } from "./postgres-sql-read";
import {
  DATABASE,
  type Drift,
  type Executed,
  GRANT,
  GRANT_ROLE,
  type Inputs,
  PROVIDER,
  ROLE,
  SCHEMA,
  Session,
} from "./postgres-session";

export type { Drift, Executed } from "./postgres-session";

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

type Connect = (database: string, login: Login) => Promise<Client>;

interface ProviderLogin extends Login {
  database: string;
}

const KNOWN: Record<string, string[]> = {
  [ROLE]: ["name", "login", "connectionLimit", "password", "createDatabase", "createRole", "superuser", "inherit"],
  [DATABASE]: ["name", "owner", "template", "encoding", "connectionLimit", "allowConnections"],
  [SCHEMA]: ["name", "database", "owner", "dropCascade"],
  [GRANT]: ["database", "schema", "role", "objectType", "privileges"],
  [GRANT_ROLE]: ["role", "grantRole", "withAdminOption"],
};

export class PostgresProviderEmulator {
  /** Every statement run, in order. */
  readonly executed: Executed[] = [];
  private readonly byUrn: Map<string, RecordedResource>;

  constructor(
    private readonly resources: readonly RecordedResource[],
    private readonly connect: Connect,
  ) {
    this.byUrn = new Map(resources.map((r) => [r.urn, r]));
  }

  /** The postgresql resources, in registration order (a valid creation order: dependencies register first). */
  get managed(): RecordedResource[] {
    return this.resources.filter((r) => r.custom && r.type.startsWith("postgresql:index/"));
  }

  /** The login of the provider a resource names (its `username`, `password` and default `database`). */
  loginOf(resource: RecordedResource): ProviderLogin {
    const provider = resource.provider ? this.byUrn.get(resource.provider) : undefined;
    if (!provider || provider.type !== PROVIDER)
      throw new Error(`postgres-sql: ${resource.name} names no postgresql provider`);
    const inputs = provider.revealedInputs ?? provider.inputs;
    if (JSON.stringify(inputs).includes("[secret]"))
      throw new Error(`postgres-sql: provider ${provider.name} has redacted inputs; render with revealSecrets`);
    return { user: String(inputs.username), password: String(inputs.password), database: String(inputs.database) };
  }

  private inputsOf(r: RecordedResource): Inputs {
    const inputs = r.revealedInputs ?? r.inputs;
    if (!KNOWN[r.type]) throw new Error(`postgres-sql: no translation for ${r.type} (${r.name})`);
    const unknown = Object.keys(inputs).filter((k) => !KNOWN[r.type].includes(k));
    if (unknown.length > 0)
      throw new Error(`postgres-sql: ${r.type} ${r.name} has inputs the emulator does not know: ${unknown.join(", ")}`);
    if (JSON.stringify(inputs).includes("[secret]"))
      throw new Error(`postgres-sql: ${r.name} has redacted inputs; render with revealSecrets`);
    return inputs;
  }

  /** Runs `fn` on a connection of the resource's provider to `database` (the provider's own by default). */
  private async session<T>(r: RecordedResource, database: string | undefined, fn: (s: Session) => Promise<T>) {
    const login = this.loginOf(r);
    const db = database ?? login.database;
    const client = await this.connect(db, login);
    try {
      return await fn(new Session(client, this.executed, r.name, login.user, db));
    } finally {
      await client.end();
    }
  }

  /** `startTransaction` … `txn.Commit()`: fn inside one transaction on the resource's provider. */
  private transaction<T>(r: RecordedResource, database: string | undefined, fn: (s: Session) => Promise<T>) {
    return this.session(r, database, async (s) => {
      await s.exec("BEGIN");
      try {
        const result = await fn(s);
        await s.exec("COMMIT");
        return result;
      } catch (error) {
        await s.client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  /** Creates every postgresql resource, as `pulumi up` on an empty stack would. Resources with `import` exist. */
  async apply(only?: (r: RecordedResource) => boolean): Promise<void> {
    for (const r of this.managed) {
      if (r.importId || (only && !only(r))) continue;
      const i = this.inputsOf(r);
      switch (r.type) {
        case ROLE:
          await this.transaction(r, undefined, (s) => createRole(s, i));
          break;
        case DATABASE:
          await this.session(r, undefined, (s) => createDatabase(s, i));
          break;
        case SCHEMA:
          await this.transaction(r, i.database, (s) => createSchema(s, i));
          break;
        case GRANT:
          await this.transaction(r, i.database, (s) => createGrant(s, i));
          break;
        case GRANT_ROLE:
          await this.transaction(r, undefined, (s) => createGrantRole(s, i));
          break;
      }
    }
  }

  /** What a refresh reads back, compared with the plan: empty when re-applying would issue nothing. */
  async drift(only?: (r: RecordedResource) => boolean): Promise<Drift[]> {
    const drift: Drift[] = [];
    for (const r of this.managed) {
      if (only && !only(r)) continue;
      const i = this.inputsOf(r);
      // Grants and schemas are read in their own database, everything else on the provider's.
      const database = r.type === GRANT || r.type === SCHEMA ? i.database : undefined;
      const found = await this.session(r, database, (s) => readBack(s, r, i));
      drift.push(...found);
    }
    return drift;
  }
}

// ---- postgresql/helpers.go -------------------------------------------------------------------------------------

/** `isMemberOfRole`: a membership counts only with SET (PostgreSQL ≥ 16 records it per grant: `set_option`). */
async function isMemberOfRole(s: Session, role: string, member: string): Promise<boolean> {
  const hasSetOption =
    (
      await s.exec(
        "SELECT 1 FROM information_schema.columns WHERE table_name='pg_auth_members' AND column_name = 'set_option'",
      )
    ).length > 0;
  const query = `SELECT 1 FROM pg_auth_members WHERE pg_get_userbyid(roleid) = $1 AND pg_get_userbyid(member) = $2${hasSetOption ? " AND set_option" : ""}`;
  return (await s.exec(query, [role, member])).length > 0;
}

/** `grantRoleMembership`: GRANT role TO member unless it already is one; true when it granted. */
async function grantRoleMembership(s: Session, role: string, member: string): Promise<boolean> {
  if (member === role || (await isMemberOfRole(s, role, member))) return false;
  await s.exec(`GRANT ${quoteIdent(role)} TO ${quoteIdent(member)}`);
  return true;
}

/** `revokeRoleMembership`: REVOKE role FROM member when it is one; true when it revoked. */
async function revokeRoleMembership(s: Session, role: string, member: string): Promise<boolean> {
  if (member === role || !(await isMemberOfRole(s, role, member))) return false;
  await s.exec(`REVOKE ${quoteIdent(role)} FROM ${quoteIdent(member)}`);
  return true;
}

const currentUser = async (s: Session) => String((await s.exec("SELECT CURRENT_USER AS u"))[0].u);
const isSuperuser = async (s: Session, role: string) =>
  (await s.exec("SELECT rolsuper FROM pg_roles WHERE rolname = $1", [role]))[0]?.rolsuper === true;

/**
 * `withRolesGranted`: for a non-superuser login, grants itself each role (after revoking the reverse membership),
 * runs fn, then revokes what it granted and restores what it revoked, all in the caller's transaction.
 */
async function withRolesGranted(s: Session, roles: string[], fn: () => Promise<void>): Promise<void> {
  if (roles.length === 0) return fn();
  const me = await currentUser(s);
  if (await isSuperuser(s, me)) return fn();
  const granted: string[] = [];
  const revoked: string[] = [];
  for (const role of roles) {
    if (await isSuperuser(s, role)) continue;
    if (await revokeRoleMembership(s, me, role)) revoked.push(role);
    if (await grantRoleMembership(s, role, me)) granted.push(role);
  }
  await fn();
  for (const role of granted) await revokeRoleMembership(s, role, me);
  for (const role of revoked)
    if ((await s.exec("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).length > 0)
      await grantRoleMembership(s, me, role);
}

/** `pgLockRole` / `pgLockDatabase`: advisory locks that serialise the provider's own concurrent changes. */
async function pgLockRole(s: Session, role: string) {
  await s.exec("SET statement_timeout = 0");
  await s.exec("SELECT pg_advisory_xact_lock(oid::bigint) FROM pg_roles WHERE rolname = $1", [role]);
  await s.exec(
    "SELECT pg_advisory_xact_lock(member::bigint) FROM pg_auth_members JOIN pg_roles ON roleid = pg_roles.oid WHERE rolname = $1",
    [role],
  );
}

const databaseOwner = async (s: Session, database?: string) =>
  String(
    (
      await s.exec(
        `SELECT rolname FROM pg_database JOIN pg_roles ON datdba = pg_roles.oid WHERE datname = ${database === undefined ? "current_database()" : "$1"}`,
        database === undefined ? [] : [database],
      )
    )[0].rolname,
  );

// ---- resources ---------------------------------------------------------------------------------------------------

/** `resourcePostgreSQLRoleCreate` (resource_postgresql_role.go): one CREATE ROLE with every option spelled out. */
async function createRole(s: Session, i: Inputs) {
  const options: string[] = [];
  if (i.password) options.push("ENCRYPTED", `PASSWORD ${quoteLiteral(i.password)}`);
  options.push("VALID UNTIL 'infinity'", `CONNECTION LIMIT ${i.connectionLimit ?? -1}`);
  options.push(i.superuser ? "SUPERUSER" : "NOSUPERUSER");
  options.push(i.createDatabase ? "CREATEDB" : "NOCREATEDB");
  options.push(i.createRole ? "CREATEROLE" : "NOCREATEROLE");
  options.push(i.inherit === false ? "NOINHERIT" : "INHERIT");
  options.push(i.login ? "LOGIN" : "NOLOGIN", "NOBYPASSRLS", "NOREPLICATION");
  await s.exec(`CREATE ROLE ${quoteIdent(i.name)} WITH ${options.join(" ")}`);
}

/**
 * `createDatabase` (resource_postgresql_database.go), outside a transaction: the login grants itself the owner role
 * when it is not a member (CREATE DATABASE … OWNER needs it), creates the database, then revokes that grant.
 */
async function createDatabase(s: Session, i: Inputs) {
  const granted = i.owner ? await grantRoleMembership(s, i.owner, s.login) : false;
  const owner = i.owner ?? s.login;
  await s.exec(
    `CREATE DATABASE ${quoteIdent(i.name)} OWNER ${quoteIdent(owner)} TEMPLATE ${quoteIdent(i.template ?? "template0")}` +
      ` ENCODING '${i.encoding ?? "UTF8"}' ALLOW_CONNECTIONS ${i.allowConnections !== false}` +
      ` CONNECTION LIMIT ${i.connectionLimit ?? -1} IS_TEMPLATE false`,
  );
  if (granted) await revokeRoleMembership(s, i.owner, s.login);
}

/**
 * `resourcePostgreSQLSchemaCreate` (resource_postgresql_schema.go): in the schema's database, inside
 * `withRolesGranted` of the database owner and the schema owner, CREATE SCHEMA … AUTHORIZATION owner.
 */
async function createSchema(s: Session, i: Inputs) {
  const dbOwner = await databaseOwner(s, i.database);
  const roles = [dbOwner, ...(i.owner && i.owner !== dbOwner ? [i.owner] : [])];
  await withRolesGranted(s, roles, async () => {
    const exists = (await s.exec("SELECT TRUE FROM pg_catalog.pg_namespace WHERE nspname = $1", [i.name])).length > 0;
    if (!exists)
      await s.exec(`CREATE SCHEMA ${quoteIdent(i.name)}${i.owner ? ` AUTHORIZATION ${quoteIdent(i.owner)}` : ""}`);
    else if (i.owner) await s.exec(`ALTER SCHEMA ${quoteIdent(i.name)} OWNER TO ${quoteIdent(i.owner)}`);
  });
}

const grantTarget = (i: Inputs) => {
  if (i.objectType === "database") return `DATABASE ${quoteIdent(i.database)}`;
  if (i.objectType === "schema") return `SCHEMA ${quoteIdent(i.schema)}`;
  throw new Error(`postgres-sql: grant objectType ${i.objectType} is not emulated`);
};

/**
 * `resourcePostgreSQLGrantCreateOrUpdate` (resource_postgresql_grant.go): locks, then inside `withRolesGranted` of
 * `getRolesToGrant` (none for a database; the schema's owner, `pg_database_owner` resolved, for a schema), REVOKE ALL
 * then GRANT the listed privileges (`createRevokeQuery`, `createGrantQuery`).
 */
async function createGrant(s: Session, i: Inputs) {
  await pgLockRole(s, i.role);
  if (i.objectType === "database") {
    await s.exec("SET statement_timeout = 0");
    await s.exec("SELECT pg_advisory_xact_lock(oid::bigint) FROM pg_database WHERE datname = $1", [i.database]);
  }
  let owners: string[] = [];
  if (i.objectType === "schema") {
    const [row] = await s.exec(
      "SELECT rolname FROM pg_namespace JOIN pg_roles ON nspowner = pg_roles.oid WHERE nspname = $1",
      [i.schema],
    );
    owners = [row.rolname === "pg_database_owner" ? await databaseOwner(s) : String(row.rolname)];
  }
  await withRolesGranted(s, owners, async () => {
    await s.exec(`REVOKE ALL PRIVILEGES ON ${grantTarget(i)} FROM ${quoteIdent(i.role)}`);
    if (i.privileges.length > 0)
      await s.exec(`GRANT ${i.privileges.join(",")} ON ${grantTarget(i)} TO ${quoteIdent(i.role)}`);
  });
}

/** `resourcePostgreSQLGrantRoleCreate` (resource_postgresql_grant_role.go): REVOKE, then GRANT, in one transaction. */
async function createGrantRole(s: Session, i: Inputs) {
  await s.exec(`REVOKE ${quoteIdent(i.grantRole)} FROM ${quoteIdent(i.role)}`);
  await s.exec(
    `GRANT ${quoteIdent(i.grantRole)} TO ${quoteIdent(i.role)}${i.withAdminOption ? " WITH ADMIN OPTION" : ""}`,
  );
}
