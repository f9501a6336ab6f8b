/**
 * The rendered backup, restore-verification, export and maintenance jobs, run for real on PostgreSQL bootstrapped
 * like RDS (no superuser anywhere) with the plan's roles, databases, schemas and memberships applied the way the
 * postgresql provider applies them. Each script runs with its container's rendered environment, so as the role its
 * Secret names (the operations role), and must dump every tenant's rows, restore them, and vacuum tenant-owned tables
 * without a skip. The same scripts run as the master, as the jobs did before, fail loudly.
 *
 * Server: PostgreSQL 15 (Debian) — the client tools here are Debian's 15, and pg_dump refuses a newer server
 * (README, "Test servers"); the role model is the same on 16 (tenant-isolation-postgres.test.ts runs it there).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { giveToServerUser } from "../helpers/postgres";
import { AppliedStack, applyStackToRds } from "../helpers/rds-stack";
import { ScriptBench, fingerprint, startScriptBench, verifyLikeThePod } from "../helpers/backup-scripts";
import * as stacks from "../fixtures/stacks";

const BUCKET = "platform-backups";
const TENANTS = [
  { id: "acme", name: "Acme", tier: "enterprise" },
  { id: "initech", name: "Initech", tier: "standard" },
  { id: "quitter", name: "Quitter", tier: "standard", state: "offboarded" },
];

let applied: AppliedStack;
let bench: ScriptBench;
let dumpKeys: Record<string, string> = {};

const ops = () => applied.loginOf("platform-db-ops-role");
const master = () => applied.server.login;
/** A rendered container's environment, pointed at the test S3, Pushgateway and a fresh work directory. */
function jobEnv(job: string, container: string, workDir: string, extra: Record<string, string> = {}) {
  const env = applied.containerEnv(job, container);
  for (const name of ["BACKUP_WORK_DIR", "VERIFY_WORK_DIR"]) if (name in env) env[name] = workDir;
  if ("BACKUP_BUCKET" in env) Object.assign(env, { BACKUP_BUCKET: BUCKET, AWS_ENDPOINT_URL: bench.s3.endpoint });
  if ("PUSHGATEWAY_URL" in env) env.PUSHGATEWAY_URL = bench.pushgatewayUrl;
  return { ...env, ...extra };
}

async function seed() {
  const as = async (database: string, login: { user: string; password: string }, sql: string) => {
    const client = await applied.server.connect(database, login);
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  // The platform's own tables, created by its application role; each tenant's, by the tenant role.
  await as(
    "app",
    applied.loginOf("platform-db-app-role"),
    `CREATE TABLE tenants (id text PRIMARY KEY, name text NOT NULL);
     CREATE TABLE jobs (id bigserial PRIMARY KEY, tenant_id text REFERENCES tenants(id), payload jsonb NOT NULL);
     INSERT INTO tenants VALUES ('acme', 'Acme'), ('initech', 'Initech');
     INSERT INTO jobs (tenant_id, payload) SELECT CASE WHEN i % 3 = 0 THEN 'acme' ELSE 'initech' END,
       jsonb_build_object('n', i, 'text', repeat(md5(i::text), 4)) FROM generate_series(1, 3000) AS i;`,
  );
  await as(
    "tenant_acme",
    applied.loginOf("tenant-acme-role"),
    `CREATE TABLE documents (id int PRIMARY KEY, title text, body bytea);
     CREATE TABLE events (id int, kind text, at timestamptz);
     INSERT INTO documents SELECT i, 'doc ' || i, decode(md5(i::text), 'hex') FROM generate_series(1, 800) i;
     INSERT INTO events SELECT i, 'view', '2026-11-01T00:00:00Z'::timestamptz + i * interval '1 minute' FROM generate_series(1, 1200) i;`,
  );
  await as(
    "app",
    applied.loginOf("tenant-initech-role"),
    "CREATE TABLE invoices (id int PRIMARY KEY, total numeric); INSERT INTO invoices SELECT g, g * 2.5 FROM generate_series(1, 400) g;",
  );
  // An offboarded tenant cannot log in any more: its rows date from before; written here as its owner would have.
  await as(
    "app",
    ops(),
    "SET ROLE tenant_quitter; CREATE TABLE tenant_quitter.orders (id int PRIMARY KEY, total numeric); INSERT INTO tenant_quitter.orders SELECT g, g FROM generate_series(1, 50) g;",
  );
}

beforeAll(async () => {
  const config = stacks.production();
  config["platform:tenants"] = TENANTS;
  applied = await applyStackToRds(config, "15");
  bench = await startScriptBench(() => applied.server, BUCKET);
  await seed();
}, 120_000);

afterAll(async () => {
  await bench?.stop();
  await applied?.server.stop();
});

describe("the rendered backup jobs on an RDS-like server, as the role their Secret names", () => {
  it("the backup, verification, export and maintenance jobs log in as the operations role, never the master", () => {
    for (const [job, container] of [
      ["database-backup", "dump"],
      ["database-maintenance", "vacuum-analyze"],
      ["tenant-export-quitter", "dump"],
    ])
      expect(applied.containerEnv(job, container).PGUSER, job).toBe("platform_ops");
  });

  it("backup.sh (dump, then upload, as in the pod) dumps every database with every tenant's rows", async () => {
    const workDir = bench.workDir("backup");
    const dump = await bench.run("backups/scripts/backup.sh", "dump", jobEnv("database-backup", "dump", workDir));
    expect(dump.code, dump.stderr).toBe(0);
    const upload = await bench.run("backups/scripts/backup.sh", "upload", jobEnv("database-backup", "upload", workDir));
    expect(upload.code, upload.stderr).toBe(0);
    const databases = applied.containerEnv("database-backup", "dump").BACKUP_DATABASES.split(" ");
    expect(databases).toEqual(["app", "tenant_acme"]);
    const expected: Record<string, RegExp[]> = {
      app: [/TABLE DATA public jobs /, /TABLE DATA tenant_initech invoices /, /TABLE DATA tenant_quitter orders /],
      tenant_acme: [/TABLE DATA tenant_acme documents /, /TABLE DATA tenant_acme events /],
    };
    for (const database of databases) {
      const [key, checksum] = await bench.listKeys(`production/${database}/`);
      expect(checksum).toBe(`${key}.sha256`);
      const body = await bench.getObject(key);
      expect((await bench.getObject(checksum)).toString().split(/\s+/)[0]).toBe(
        createHash("sha256").update(body).digest("hex"),
      );
      const file = join(bench.root, `${database}.dump`);
      writeFileSync(file, body);
      giveToServerUser(file);
      const listing = spawnSync(join(applied.server.clientBinDir, "pg_restore"), ["--list", file], {
        encoding: "utf8",
      });
      for (const entry of expected[database]) expect(listing.stdout, database).toMatch(entry);
      expect(upload.stderr).toContain(`BACKUP_OK database=${database}`);
      dumpKeys[database] = key;
    }
  });

  it("the same dump as the master fails: it is not a member of the tenants' roles", async () => {
    const env = jobEnv("database-backup", "dump", bench.workDir("backup-as-master"), {
      PGUSER: master().user,
      PGPASSWORD: master().password,
    });
    const run = await bench.run("backups/scripts/backup.sh", "dump", env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/pg_dump: error: .*permission denied for (schema|table) /);
    expect(run.stderr).toContain("BACKUP_FAILED database=app pg_dump failed");
  });

  it("each dump restores into a fresh database with the source's row counts and content", async () => {
    for (const [database, key] of Object.entries(dumpKeys)) {
      const file = join(bench.root, `${database}-restore.dump`);
      writeFileSync(file, await bench.getObject(key));
      giveToServerUser(file);
      await applied.server.query("postgres", `CREATE DATABASE restored_${database}`);
      const restore = spawnSync(
        join(applied.server.clientBinDir, "pg_restore"),
        ["--exit-on-error", "--no-owner", "--no-acl", "-d", `restored_${database}`, file],
        { encoding: "utf8", env: { ...process.env, ...applied.server.libpqEnv() } },
      );
      expect(restore.status, restore.stderr).toBe(0);
      const source = await fingerprint(applied.server, database, ops());
      expect(Object.keys(source).length).toBeGreaterThanOrEqual(2);
      expect(await fingerprint(applied.server, `restored_${database}`)).toEqual(source);
    }
  });

  it("verify-restore.sh (fetch, restore, report as in the pod) restores the newest dumps and passes, row counts matching", async () => {
    const workDir = bench.workDir("verify");
    const env = (step: string) => jobEnv("database-restore-verify", step, workDir);
    const pushesBefore = bench.pushes.length;
    const run = await verifyLikeThePod(bench, { ...env("fetch"), ...env("restore"), ...env("report") });
    expect(run.code, run.stderr).toBe(0);
    for (const database of Object.keys(dumpKeys)) {
      expect(run.stderr).toContain(`RESTORE_VERIFY_OK database=${database}`);
      const counts = readFileSync(join(workDir, "restore", database, "row-counts.tsv"), "utf8")
        .trim()
        .split("\n")
        .map((line) => line.split("\t"));
      const source = await fingerprint(applied.server, database, ops());
      expect(Object.fromEntries(counts.map(([table, rows]) => [table, Number(rows)]))).toEqual(
        Object.fromEntries(Object.entries(source).map(([t, f]) => [t, f.rows])),
      );
    }
    const push = bench.pushes
      .slice(pushesBefore)
      .find((p) => p.url.startsWith("/metrics/job/platform_restore_verify/"));
    expect(push?.body).toMatch(/^platform_restore_verify_failed 0$/m);
  });

  it("the offboarded tenant's export Job exports its schema alone, as the operations role", async () => {
    const workDir = bench.workDir("export");
    const dump = await bench.run("backups/scripts/backup.sh", "dump", jobEnv("tenant-export-quitter", "dump", workDir));
    expect(dump.code, dump.stderr).toBe(0);
    const upload = await bench.run(
      "backups/scripts/backup.sh",
      "upload",
      jobEnv("tenant-export-quitter", "upload", workDir),
    );
    expect(upload.code, upload.stderr).toBe(0);
    expect(upload.stderr).toMatch(
      /EXPORT_OK database=app schema=tenant_quitter key=s3:\/\/platform-backups\/production\/offboarding\/quitter\/app\//,
    );
    const [key] = await bench.listKeys("production/offboarding/quitter/app/");
    const file = join(bench.root, "export.dump");
    writeFileSync(file, await bench.getObject(key));
    const listing = spawnSync(join(applied.server.clientBinDir, "pg_restore"), ["--list", file], { encoding: "utf8" });
    expect(listing.stdout).toMatch(/TABLE DATA tenant_quitter orders /);
    expect(listing.stdout).not.toMatch(/tenant_initech|TABLE DATA public /);
  });
});

describe("the rendered maintenance job on an RDS-like server", () => {
  it("vacuums and analyzes every tenant-owned and platform table without a skip", async () => {
    const env = applied.containerEnv("database-maintenance", "vacuum-analyze");
    expect(env.MAINTENANCE_DATABASES).toBe("app tenant_acme");
    const run = await bench.run("jobs/scripts/vacuum-analyze.sh", "", env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain("skipping");
    expect(run.stderr).toMatch(/MAINTENANCE_OK database=app tables=4 /);
    expect(run.stderr).toMatch(/MAINTENANCE_OK database=tenant_acme tables=2 /);
    for (const [database, table] of [
      ["app", "invoices"],
      ["app", "orders"],
      ["app", "jobs"],
      ["tenant_acme", "documents"],
    ]) {
      const client = await applied.server.connect(database, ops());
      const { rows } = await client.query(
        "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL AS done FROM pg_stat_user_tables WHERE relname = $1",
        [table],
      );
      await client.end();
      expect(rows[0]?.done, `${database}.${table}`).toBe(true);
    }
  });

  it("run as the master (as the job did before), the tenants' tables are out of its reach: MAINTENANCE_FAILED, non-zero exit", async () => {
    const env = { ...applied.containerEnv("database-maintenance", "vacuum-analyze"), PGUSER: master().user };
    const run = await bench.run("jobs/scripts/vacuum-analyze.sh", "", { ...env, PGPASSWORD: master().password });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ERROR:  permission denied for schema tenant_acme");
    expect(run.stderr).toContain('MAINTENANCE_FAILED database=tenant_acme reason="psql failed"');
  });

  it("a table PostgreSQL skips (its owner is no role the operations role belongs to) fails the run, naming it", async () => {
    // Made by hand as the master, readable by the operations role, owned by neither it nor a role it belongs to.
    await applied.server.query(
      "app",
      "CREATE SCHEMA handmade; CREATE TABLE handmade.notes (v text); GRANT USAGE ON SCHEMA handmade TO platform_ops",
    );
    try {
      const run = await bench.run(
        "jobs/scripts/vacuum-analyze.sh",
        "",
        applied.containerEnv("database-maintenance", "vacuum-analyze"),
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('WARNING:  skipping "notes" --- only table or database owner can vacuum it');
      expect(run.stderr).toContain(
        'MAINTENANCE_FAILED database=app reason="PostgreSQL skipped tables this role may not vacuum" skipped="notes"',
      );
      expect(run.stderr).toMatch(/MAINTENANCE_OK database=tenant_acme /); // the other database is still maintained
    } finally {
      await applied.server.query("app", "DROP SCHEMA handmade CASCADE");
    }
  });
});
