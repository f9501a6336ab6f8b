/**
 * A tenant's tier move (docs/tenants.md, "Changing tier") run for real, both directions at once: the base stack is
 * applied to PostgreSQL bootstrapped like RDS (no superuser anywhere) the way the postgresql provider applies it,
 * real rows go into several tables of each tenant's schema as the tenant itself, then the move's copy step is
 * rendered and its new resources applied the same way (the new home beside the old, the role's NOLOGIN), and the
 * rendered move Job's script runs with its containers' rendered environment — so as the operations role its Secret
 * names. The copy must carry every row, pass its own verification, and fail loudly on a corrupted copy.
 *
 * Server: PostgreSQL 15 (Debian): the client tools here are Debian's 15 and pg_dump refuses a newer server (README,
 * "Test servers"); the role model is the same on 16.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "pg";
import { AppliedStack, applyStackToRds, jobEnvironment } from "../helpers/rds-stack";
import { ScriptBench, fingerprint, startScriptBench } from "../helpers/backup-scripts";
import { PostgresProviderEmulator, quoteIdent } from "../helpers/postgres-sql";
import { RenderedStack, renderStack } from "../helpers/render";
import * as stacks from "../fixtures/stacks";

const SCRIPT = "backups/scripts/tenant-move.sh";
const TENANTS = [
  { id: "acme", name: "Acme", tier: "enterprise" }, // dedicated → pooled
  { id: "initech", name: "Initech", tier: "standard" }, // pooled → dedicated
  { id: "umbrella", name: "Umbrella", tier: "standard" }, // not moving: must not be touched
];
const COPY: { id: string; name: string; tier: string; move?: Record<string, string> }[] = [
  { id: "acme", name: "Acme", tier: "standard", move: { from: "enterprise", step: "copy" } },
  { id: "initech", name: "Initech", tier: "enterprise", move: { from: "standard", step: "copy" } },
  TENANTS[2],
];

let applied: AppliedStack;
let moved: RenderedStack;
let bench: ScriptBench;
const ops = () => applied.loginOf("platform-db-ops-role");
const tenantLogin = (id: string) => applied.loginOf(`tenant-${id}-role`);

const withStack = (tenants: unknown[]) => ({ ...stacks.production(), "platform:tenants": tenants });

async function as<T = void>(database: string, login: { user: string; password: string }, sql: string) {
  const client = await applied.server.connect(database, login);
  try {
    const result = (await client.query(sql)) as unknown as { rows: unknown[] } | { rows: unknown[] }[];
    return (Array.isArray(result) ? result[result.length - 1] : result).rows as T;
  } finally {
    await client.end();
  }
}

/** The move Job's containers, run as in the pod (copy, then report), with their rendered environment. */
async function runMoveJob(tenant: string, modes = ["copy", "report"]) {
  const workDir = bench.workDir(`move-${tenant}-${Date.now()}`);
  const runs = [];
  for (const mode of modes) {
    const container = mode === "report" ? "report" : "copy";
    const env: Record<string, string> = {
      ...jobEnvironment(moved, applied.server, `tenant-move-${tenant}`, container),
      MOVE_WORK_DIR: workDir,
    };
    if (env.PUSHGATEWAY_URL) env.PUSHGATEWAY_URL = bench.pushgatewayUrl;
    runs.push(await bench.run(SCRIPT, mode, { ...env, MOVE_SESSION_WAIT_SECONDS: "10" }));
  }
  return { code: runs[runs.length - 1].code, stderr: runs.map((r) => r.stderr).join(""), workDir, runs };
}

/** Fingerprints of one schema's tables (helpers/backup-scripts.ts: row count and an order-independent hash). */
async function schemaFingerprint(database: string, schema: string) {
  const all = await fingerprint(applied.server, database, ops());
  return Object.fromEntries(Object.entries(all).filter(([table]) => table.startsWith(`${schema}.`)));
}

/** Applies the role's login change the way the provider updates it (resource_postgresql_role.go, setRoleLogin). */
const setLogin = (role: string, login: boolean) =>
  applied.server.query("postgres", `ALTER ROLE ${quoteIdent(role)} ${login ? "LOGIN" : "NOLOGIN"}`);

async function seed() {
  await as(
    "app",
    tenantLogin("initech"),
    `CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, email text UNIQUE, created timestamptz NOT NULL,
       balance numeric(12,2), score double precision, tags text[], meta jsonb);
     INSERT INTO customers (name, email, created, balance, score, tags, meta)
       SELECT 'customer ' || i, 'c' || i || '@example.com', '2026-01-01T00:00:00Z'::timestamptz + i * interval '37 minutes',
         i * 1.25, i / 7.0, ARRAY['t' || (i % 5)], jsonb_build_object('i', i, 'odd', i % 2 = 1) FROM generate_series(1, 2500) i;
     CREATE TABLE invoices (id int PRIMARY KEY, customer_id bigint REFERENCES customers(id), total numeric, paid boolean, note text);
     INSERT INTO invoices SELECT i, 1 + i % 2500, i * 3.5, i % 3 = 0, CASE WHEN i % 10 = 0 THEN NULL ELSE repeat('x', i % 50) END
       FROM generate_series(1, 4000) i;
     CREATE TABLE attachments (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), invoice_id int REFERENCES invoices(id), body bytea);
     INSERT INTO attachments (invoice_id, body) SELECT i, decode(md5(i::text), 'hex') FROM generate_series(1, 1500) i;
     CREATE VIEW unpaid AS SELECT * FROM invoices WHERE NOT paid;`,
  );
  await as(
    "tenant_acme",
    tenantLogin("acme"),
    `CREATE TABLE documents (id int PRIMARY KEY, title text, body bytea);
     INSERT INTO documents SELECT i, 'doc ' || i, decode(md5(i::text), 'hex') FROM generate_series(1, 800) i;
     CREATE TABLE events (id bigserial PRIMARY KEY, kind text, at timestamptz, payload jsonb);
     INSERT INTO events (kind, at, payload) SELECT 'view', '2026-11-01T00:00:00Z'::timestamptz + i * interval '1 minute',
       jsonb_build_object('n', i) FROM generate_series(1, 1200) i;
     CREATE TABLE counters (name text PRIMARY KEY, value bigint);
     INSERT INTO counters SELECT 'c' || i, i * i FROM generate_series(1, 50) i;`,
  );
  await as(
    "app",
    tenantLogin("umbrella"),
    "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'kept')",
  );
}

beforeAll(async () => {
  applied = await applyStackToRds(withStack(TENANTS), "15");
  bench = await startScriptBench(() => applied.server, "platform-backups");
  await seed();
  // The copy step, applied as `pulumi up` would: the resources it adds, through the same provider emulation.
  moved = await renderStack(withStack(COPY), { stack: "it", revealSecrets: true });
  const before = new Set(applied.stack.resources.map((r) => r.urn));
  await new PostgresProviderEmulator(moved.resources, (database, login) =>
    applied.server.connect(database, login),
  ).apply((r) => !before.has(r.urn));
}, 180_000);

afterAll(async () => {
  await bench?.stop();
  await applied?.server.stop();
});

describe("the copy step's plan, applied like the provider applies it", () => {
  it("adds the new home beside the old one and holds the movers' logins; the rendered Job runs as the operations role", async () => {
    const created = moved.resources.filter((r) => !applied.stack.resources.some((b) => b.urn === r.urn));
    expect(
      created
        .filter((r) => r.type.startsWith("postgresql:"))
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      "tenant-acme-move-schema",
      "tenant-initech-db",
      "tenant-initech-db-admin-connect",
      "tenant-initech-db-public-revoke",
      "tenant-initech-move-schema",
    ]);
    for (const id of ["acme", "initech"]) {
      expect(moved.find("postgresql:index/role:Role", `tenant-${id}-role`).inputs.login).toBe(false);
      expect(jobEnvironment(moved, applied.server, `tenant-move-${id}`, "copy").PGUSER).toBe("platform_ops");
    }
    expect(moved.find("postgresql:index/role:Role", "tenant-umbrella-role").inputs.login).toBe(true);
    // The new homes exist, owned by the tenant role, and are empty; the old homes still hold the rows.
    const homes = await applied.server.query<{ db: string; owner: string }>(
      "postgres",
      "SELECT datname AS db, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'tenant_initech'",
    );
    expect(homes).toEqual([{ db: "tenant_initech", owner: "tenant_initech" }]);
    expect(Object.keys(await schemaFingerprint("tenant_initech", "tenant_initech"))).toEqual([]);
    expect(Object.keys(await schemaFingerprint("app", "tenant_acme"))).toEqual([]);
  });
});

describe("the move Job on an RDS-like server", () => {
  it("refuses to copy while the tenant can still write (its role can log in), and touches nothing", async () => {
    const run = await runMoveJob("initech");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'TENANT_MOVE_FAILED tenant=initech reason="writes are not held: role tenant_initech can log in',
    );
    expect(Object.keys(await schemaFingerprint("tenant_initech", "tenant_initech"))).toEqual([]);
  });

  it("pooled → dedicated: copies every row of every table into the tenant's own database and verifies it", async () => {
    // A session opened before the copy step's NOLOGIN: the Job ends it, so no write slips in during the copy.
    const open: Client = await applied.server.connect("app", tenantLogin("initech"));
    const ended: Error[] = [];
    open.on("error", (error) => ended.push(error));
    await setLogin("tenant_initech", false);
    const pushesBefore = bench.pushes.length;
    const run = await runMoveJob("initech");
    expect(run.code, run.stderr).toBe(0);
    await expect(open.query("SELECT 1")).rejects.toThrow();
    expect(ended[0]?.message).toBe("terminating connection due to administrator command");
    const source = await schemaFingerprint("app", "tenant_initech");
    expect(Object.keys(source)).toEqual([
      "tenant_initech.attachments",
      "tenant_initech.customers",
      "tenant_initech.invoices",
    ]);
    expect(await schemaFingerprint("tenant_initech", "tenant_initech")).toEqual(source);
    expect(run.stderr).toMatch(
      /TENANT_MOVE_OK tenant=initech from=app\.tenant_initech to=tenant_initech\.tenant_initech tables=3 rows=8000 digest=[0-9a-f]{64}/,
    );
    const push = bench.pushes
      .slice(pushesBefore)
      .find((p) => p.url === "/metrics/job/platform_tenant_move/stack/it/tenant/initech");
    expect(push?.body).toMatch(/^platform_tenant_move_failed 0$/m);
    expect(push?.body).toMatch(/^platform_tenant_move_rows 8000$/m);
    // Everything in the new home belongs to the tenant, the view came along.
    const owners = await as<{ owner: string; n: string }[]>(
      "tenant_initech",
      ops(),
      "SELECT pg_get_userbyid(c.relowner) AS owner, count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'tenant_initech' GROUP BY 1",
    );
    expect(owners.map((o) => o.owner)).toEqual(["tenant_initech"]);
  });

  it("after the switch the tenant works in its new home through the switched DATABASE_URL, sequences continuing", async () => {
    const switched = await renderStack(
      withStack(
        COPY.map((t) => (t.move ? { ...t, move: { ...t.move, step: "switch", verified: "0".repeat(64) } } : t)),
      ),
      { stack: "it", revealSecrets: true },
    );
    const secret = switched
      .ofType("kubernetes:core/v1:Secret")
      .find((s) => (s.revealedInputs as any).metadata.namespace === "tenant-initech")!;
    const url = new URL(String((secret.revealedInputs as any).stringData.DATABASE_URL));
    expect(url.pathname).toBe("/tenant_initech");
    await setLogin("tenant_initech", true);
    const rows = await as<{ n: string; next: string }[]>(
      url.pathname.slice(1),
      { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
      "INSERT INTO customers (name, created) VALUES ('after the move', now()); SELECT count(*) AS n, max(id) AS next FROM customers",
    );
    expect(rows).toEqual([{ n: "2501", next: "2501" }]);
  });

  it("dedicated → pooled: copies the tenant's database schema into the shared database and verifies it", async () => {
    await setLogin("tenant_acme", false);
    const run = await runMoveJob("acme");
    expect(run.code, run.stderr).toBe(0);
    const source = await schemaFingerprint("tenant_acme", "tenant_acme");
    expect(Object.keys(source)).toEqual(["tenant_acme.counters", "tenant_acme.documents", "tenant_acme.events"]);
    expect(await schemaFingerprint("app", "tenant_acme")).toEqual(source);
    expect(run.stderr).toMatch(
      /TENANT_MOVE_OK tenant=acme from=tenant_acme\.tenant_acme to=app\.tenant_acme tables=3 rows=2050 /,
    );
    // The bystander's rows in the shared database are untouched.
    expect(await as<{ body: string }[]>("app", ops(), "SELECT body FROM tenant_umbrella.notes")).toEqual([
      { body: "kept" },
    ]);
  });

  it("a second run refuses to copy over a home that already holds the tenant's data", async () => {
    const run = await runMoveJob("acme");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/TENANT_MOVE_FAILED tenant=acme reason="the new home app\.tenant_acme is not empty/);
  });

  it("a corrupted copy fails verification, naming each table, with exit 1 and the failure metric", async () => {
    // Corrupt the verified copy as its owner would: one changed value, one lost row.
    await as(
      "app",
      ops(),
      "SET ROLE tenant_acme; UPDATE tenant_acme.documents SET title = 'tampered' WHERE id = 7; DELETE FROM tenant_acme.events WHERE id = 1000",
    );
    const pushesBefore = bench.pushes.length;
    const run = await runMoveJob("acme", ["verify", "report"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'TENANT_MOVE_FAILED tenant=acme reason="table=tenant_acme.documents content checksum differs (rows 800)"',
    );
    expect(run.stderr).toContain('TENANT_MOVE_FAILED tenant=acme reason="table=tenant_acme.events rows 1200 => 1199"');
    expect(run.stderr).not.toContain("TENANT_MOVE_OK");
    const push = bench.pushes.slice(pushesBefore).find((p) => p.url.endsWith("/tenant/acme"));
    expect(push?.body).toMatch(/^platform_tenant_move_failed 1$/m);
  });
});
