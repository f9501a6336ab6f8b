// Proves tenant isolation on a real PostgreSQL: the roles, databases, schemas and grants the plan records are
// translated into the provider's SQL (test/helpers/postgres-sql.ts), applied, and probed with real connections.
import { describe, expect, it } from "vitest";
import { serverSuite } from "../helpers/servers";
import type { Client } from "pg";
import { PostgresServer, startPostgres } from "../helpers/postgres";
import { postgresSqlSteps } from "../helpers/postgres-sql";
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
const open: Client[] = [];

/** The generated password of a tenant role, as the plan recorded it. */
const passwordOf = (id: string) => {
  const role = resources.find((r) => r.type === "postgresql:index/role:Role" && r.name === `tenant-${id}-role`);
  if (!role) throw new Error(`no role recorded for ${id}`);
  return String(role.revealedInputs!.password);
};
const as = (id: string) => ({ user: `tenant_${id}`, password: passwordOf(id) });
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
    server = await startPostgres();
    const admin = await server.connect();
    try {
      for (const step of postgresSqlSteps(resources)) {
        const client = step.database === "postgres" ? admin : await server.connect(step.database);
        try {
          for (const sql of step.statements) await client.query(sql);
          if (
            step.type === "postgresql:index/database:Database" &&
            step.statements[0].startsWith('CREATE DATABASE "app"')
          ) {
            // Start the shared database from the defaults before PostgreSQL 15 (and RDS 14): PUBLIC may CREATE in
            // `public`. The plan's revoke must take it away.
            const app = await server.connect("app");
            await app.query("GRANT CREATE ON SCHEMA public TO PUBLIC");
            await app.end();
          }
        } finally {
          if (client !== admin) await client.end();
        }
      }
    } finally {
      await admin.end();
    }
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
    const wrong = server.connect("app", { user: "tenant_bravo", password: passwordOf("charlie") });
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
