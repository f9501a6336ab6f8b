// Proves tenant isolation on PostgreSQL 16 (production's engine) bootstrapped like RDS (test/helpers/postgres-rds.ts):
// the roles, databases, schemas, grants and memberships the plan records are applied the way the postgresql
// provider applies them, each on the connection of the provider the resource names (test/helpers/postgres-sql.ts),
// then probed with real connections and read back the way the provider refreshes them. Nothing runs as a superuser.
import { describe, expect, it } from "vitest";
import { serverSuite } from "../helpers/servers";
import type { Client } from "pg";
import type { PostgresServer } from "../helpers/postgres";
import { startRdsPostgres } from "../helpers/postgres-rds";
import { PostgresProviderEmulator } from "../helpers/postgres-sql";
import { renderStack } from "../helpers/render";
import type { RecordedResource } from "@platform/offline-plan";
import * as stacks from "../fixtures/stacks";

const TENANTS = [
  { id: "alpha", name: "Alpha", tier: "enterprise" },
  { id: "echo", name: "Echo", tier: "enterprise" },
  { id: "bravo", name: "Bravo", tier: "standard" },
  { id: "charlie", name: "Charlie", tier: "free" },
  { id: "foxtrot", name: "Foxtrot", tier: "free", connectionLimit: 2 },
  { id: "delta", name: "Delta", tier: "standard", state: "suspended" },
];

let server: PostgresServer;
let resources: RecordedResource[];
let emulator: PostgresProviderEmulator;
const open: Client[] = [];

const recorded = (type: string, name: string) => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name} recorded`);
  return found;
};
/** The generated password of a role, as the plan recorded it. */
const passwordOf = (resource: string) =>
  String(recorded("postgresql:index/role:Role", resource).revealedInputs!.password);
const as = (id: string) => ({ user: `tenant_${id}`, password: passwordOf(`tenant-${id}-role`) });
const connectAs = async (id: string, database: string) => {
  const client = await server.connect(database, as(id));
  open.push(client);
  return client;
};
/** The SQLSTATE of a failure, with its message, for readable assertions. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "succeeded",
    (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
  );

serverSuite(
  async () => {
    const config = stacks.production();
    config["platform:tenants"] = TENANTS;
    ({ resources } = await renderStack(config, { stack: "it", revealSecrets: true }));
    const admin = recorded("pulumi:providers:postgresql", "platform-db-admin").revealedInputs!;
    server = await startRdsPostgres({
      version: "16",
      master: { user: String(admin.username), password: String(admin.password) },
    });
    emulator = new PostgresProviderEmulator(resources, (database, login) => server.connect(database, login));
    await emulator.apply();
    // Start the shared database from the defaults before PostgreSQL 15 (and RDS 14): PUBLIC may CREATE in
    // `public`. The plan's grant already ran; a second apply of it must take CREATE away again.
    const app = await server.connect("app");
    await app.query("GRANT CREATE ON SCHEMA public TO PUBLIC");
    await app.end();
    await emulator.apply((r) => r.name === "platform-db-app-db-public-schema");
  },
  async () => {
    await Promise.all(open.map((c) => c.end().catch(() => undefined)));
    await server?.stop();
  },
);

describe("tenant isolation on a real PostgreSQL, applied from the plan", () => {
  it("an enterprise tenant works in its own database, in its own schema", async () => {
    const alpha = await connectAs("alpha", "tenant_alpha");
    await alpha.query("CREATE TABLE orders (id int primary key, total numeric)");
    await alpha.query("INSERT INTO orders VALUES (1, 9.5)");
    expect(
      (await alpha.query("SELECT current_schema() AS s, (SELECT count(*) FROM orders)::int AS n")).rows[0],
    ).toEqual({ s: "tenant_alpha", n: 1 });
  });

  it("a pooled tenant works in its schema of the shared application database", async () => {
    const bravo = await connectAs("bravo", "app");
    await bravo.query("CREATE TABLE invoices (id int primary key)");
    await bravo.query("INSERT INTO invoices VALUES (7)");
    expect(
      (await bravo.query("SELECT current_schema() AS s, (SELECT id FROM tenant_bravo.invoices) AS id")).rows[0],
    ).toEqual({ s: "tenant_bravo", id: 7 });
  });

  it("a tenant cannot connect to another tenant's database", async () => {
    expect(await failure(connectAs("bravo", "tenant_alpha"))).toMatch(
      /^42501: permission denied for database "tenant_alpha"/,
    );
    expect(await failure(connectAs("echo", "tenant_alpha"))).toMatch(
      /^42501: permission denied for database "tenant_alpha"/,
    );
  });

  it("a tenant can neither read nor create in another tenant's schema", async () => {
    const bravo = await connectAs("bravo", "app");
    await bravo.query("CREATE TABLE IF NOT EXISTS secrets (v text)");
    const charlie = await connectAs("charlie", "app");
    expect(await failure(charlie.query("SELECT * FROM tenant_bravo.secrets"))).toMatch(
      /^42501: permission denied for schema tenant_bravo/,
    );
    expect(await failure(charlie.query("CREATE TABLE tenant_bravo.planted (v text)"))).toMatch(
      /^42501: permission denied for schema tenant_bravo/,
    );
    const alpha = await connectAs("alpha", "app");
    expect(await failure(alpha.query("SELECT * FROM tenant_bravo.invoices"))).toMatch(
      /^42501: permission denied for schema tenant_bravo/,
    );
  });

  it("no tenant can create in the shared database's public schema", async () => {
    const charlie = await connectAs("charlie", "app");
    expect(await failure(charlie.query("CREATE TABLE public.dropbox (v text)"))).toMatch(
      /^42501: permission denied for schema public/,
    );
  });

  it("a suspended tenant cannot log in; a wrong password is refused", async () => {
    expect(await failure(connectAs("delta", "app"))).toMatch(/^28000: role "tenant_delta" is not permitted to log in/);
    const wrong = server.connect("app", { user: "tenant_bravo", password: passwordOf("tenant-charlie-role") });
    expect(await failure(wrong)).toMatch(/^28P01: password authentication failed for user "tenant_bravo"/);
  });

  it("a tenant's connection limit holds", async () => {
    await connectAs("foxtrot", "app");
    await connectAs("foxtrot", "app");
    expect(await failure(connectAs("foxtrot", "app"))).toMatch(
      /^53300: too many connections for role "tenant_foxtrot"/,
    );
  });
});

describe("what RDS lets the provider do, and what it leaves behind", () => {
  it("no test, and no step of the apply, acts as a superuser", async () => {
    expect(await failure(server.connect("postgres", { user: "postgres", password: "" }))).toMatch(/^28P01|password/);
    const logins = [...new Set(emulator.executed.map((e) => e.login))].sort();
    expect(logins).toEqual(["platform_admin", "platform_ops"]);
    const [row] = await server.query<{ n: string }>(
      "postgres",
      "SELECT count(*) AS n FROM pg_roles WHERE rolsuper AND rolname <> 'postgres'",
    );
    expect(Number(row.n)).toBe(0);
  });

  it("another tenant can neither CONNECT to a dedicated database nor create TEMP tables in it; PUBLIC holds nothing", async () => {
    const [acl] = await server.query<{ datacl: string[] }>(
      "postgres",
      "SELECT datacl::text[] AS datacl FROM pg_database WHERE datname = 'tenant_alpha'",
    );
    // aclitem text: "=…" would be PUBLIC's entry (PostgreSQL docs, "Privileges": ACL abbreviations). The owner keeps
    // CONNECT, CREATE, TEMP; the master gets CONNECT alone (it creates and refreshes the schema in there).
    expect(acl.datacl.sort()).toEqual(["platform_admin=c/tenant_alpha", "tenant_alpha=CTc/tenant_alpha"]);
    for (const other of ["tenant_echo", "tenant_bravo", "platform_app"]) {
      const [privileges] = await server.query<{ connect: boolean; temp: boolean }>(
        "postgres",
        "SELECT has_database_privilege($1, 'tenant_alpha', 'CONNECT') AS connect, has_database_privilege($1, 'tenant_alpha', 'TEMPORARY') AS temp",
        [other],
      );
      expect(privileges, other).toEqual({ connect: false, temp: false });
    }
    const alpha = await connectAs("alpha", "tenant_alpha");
    await alpha.query("CREATE TEMP TABLE scratch (v int)"); // the owner still may
  });

  it("the PUBLIC revoke runs on the operations role's connection, as the owner's member, and revokes", () => {
    const revoke = emulator.executed.find(
      (e) => e.sql === 'REVOKE ALL PRIVILEGES ON DATABASE "tenant_alpha" FROM "public"',
    );
    expect(revoke).toMatchObject({ login: "platform_ops", database: "tenant_alpha", warnings: [] });
  });

  it("re-applying the plan issues nothing: every resource reads back as planned (roles, databases, schemas, grants, memberships)", async () => {
    expect(await emulator.drift()).toEqual([]);
  });

  it("the same revoke issued by the master (not a member of the owner) revokes nothing and never converges", async () => {
    const adminProvider = recorded("pulumi:providers:postgresql", "platform-db-admin");
    const copy = (r: RecordedResource, patch: Record<string, unknown>, provider = r.provider): RecordedResource => ({
      ...r,
      name: `${r.name}-as-master`,
      provider,
      revealedInputs: { ...r.revealedInputs, ...patch },
    });
    const database = copy(recorded("postgresql:index/database:Database", "tenant-alpha-db"), { name: "alpha_copy" });
    const revoke = copy(
      recorded("postgresql:index/grant:Grant", "tenant-alpha-db-public-revoke"),
      { database: "alpha_copy" },
      adminProvider.urn,
    );
    const wrong = new PostgresProviderEmulator(
      [...resources.filter((r) => r.type === "pulumi:providers:postgresql"), database, revoke],
      (db, login) => server.connect(db, login),
    );
    await wrong.apply();
    const issued = wrong.executed.find((e) => e.sql.startsWith("REVOKE ALL PRIVILEGES ON DATABASE"));
    expect(issued?.login).toBe("platform_admin");
    expect(issued?.warnings).toEqual(['no privileges could be revoked for "alpha_copy"']);
    expect(await wrong.drift()).toEqual([
      { resource: revoke.name, field: "privileges", desired: [], actual: ["CONNECT", "TEMPORARY"] },
    ]);
  });

  it("memberships left behind: the operations role inherits every tenant role and the application role; the master none", async () => {
    const rows = await server.query<{ role: string; ops: boolean; master: boolean }>(
      "postgres",
      `SELECT rolname AS role, pg_has_role('platform_ops', oid, 'USAGE') AS ops, pg_has_role('platform_admin', oid, 'USAGE') AS master
         FROM pg_roles WHERE rolname LIKE 'tenant\\_%' OR rolname = 'platform_app' ORDER BY 1`,
    );
    expect(rows.map((r) => r.role)).toEqual([
      "platform_app",
      ...["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"].map((id) => `tenant_${id}`),
    ]);
    // USAGE = holds the role's privileges (PostgreSQL docs, pg_has_role). The provider's temporary grants are gone.
    for (const row of rows) expect(row, row.role).toMatchObject({ ops: true, master: false });
    const [opsRow] = await server.query<{ superuser: boolean; admin: boolean }>(
      "postgres",
      "SELECT pg_has_role('platform_ops', 'rds_superuser', 'MEMBER') AS superuser, pg_has_role('platform_ops', 'platform_admin', 'MEMBER') AS admin",
    );
    expect(opsRow).toEqual({ superuser: false, admin: false });
  });
});
