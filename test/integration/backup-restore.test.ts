/**
 * Runs the backup and restore-verification scripts for real — the same files the CronJobs mount from their
 * ConfigMap — against a real PostgreSQL with seeded data, a local S3-compatible server and the AWS CLI:
 * back up, check the checksum, restore into a fresh database and compare row counts and a content hash, then
 * corrupt dumps and prove that verification fails loudly (exit code, log line, metric).
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresServer, asServerUser, freePort, giveToServerUser, startPostgres } from "../helpers/postgres";
import { S3Server, awsCliPath, startS3 } from "../helpers/s3";

const SCRIPTS = join(__dirname, "..", "..", "components");
const BUCKET = "platform-backups";
const PREFIX = "production";
const DATABASES = ["app", "tenant_acme"];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let pg: PostgresServer;
let s3: S3Server;
let s3Client: S3Client;
let root: string;
let pushgateway: Server;
let pushgatewayUrl: string;
const pushes: { method: string; url: string; body: string }[] = [];

/** Copies a script into the temp dir (as the ConfigMap mounts it) and runs it as the PostgreSQL user when root. */
function runScript(relativePath: string, mode: string, env: Record<string, string>): Promise<Run> {
  const scriptDir = join(root, "scripts");
  mkdirSync(scriptDir, { recursive: true });
  const script = join(scriptDir, relativePath.split("/").pop()!);
  copyFileSync(join(SCRIPTS, relativePath), script);
  giveToServerUser(scriptDir);
  const fullEnv = {
    PATH: `${pg.binDir}:${dirname(awsCliPath())}:/usr/bin:/bin`,
    LANG: "C.UTF-8",
    ...pg.libpqEnv(),
    ...s3.awsEnv(join(root, "home")),
    ...env,
  };
  const { command, args, env: spawnEnv } = asServerUser("/bin/bash", [script, mode], fullEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: spawnEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function newWorkDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  giveToServerUser(dir);
  return dir;
}

const backupEnv = (workDir: string, extra: Record<string, string> = {}) => ({
  BACKUP_DATABASES: DATABASES.join(" "),
  BACKUP_WORK_DIR: workDir,
  BACKUP_BUCKET: BUCKET,
  BACKUP_PREFIX: PREFIX,
  AWS_ENDPOINT_URL: s3.endpoint,
  PUSHGATEWAY_URL: pushgatewayUrl,
  PUSHGATEWAY_STACK: "prod",
  ...extra,
});

const verifyEnv = (workDir: string, extra: Record<string, string> = {}) => ({
  VERIFY_DATABASES: DATABASES.join(" "),
  VERIFY_WORK_DIR: workDir,
  BACKUP_BUCKET: BUCKET,
  BACKUP_PREFIX: PREFIX,
  AWS_ENDPOINT_URL: s3.endpoint,
  PUSHGATEWAY_URL: pushgatewayUrl,
  PUSHGATEWAY_STACK: "prod",
  VERIFY_MIN_TABLES: "2",
  ...extra,
});

/** The verify CronJob's pod runs fetch, restore and report as three containers sharing one emptyDir. */
async function verifyLikeThePod(env: Record<string, string>): Promise<Run> {
  const outputs: Run[] = [];
  for (const step of ["fetch", "restore", "report"]) {
    const run = await runScript("backups/scripts/verify-restore.sh", step, env);
    outputs.push(run);
    if (step !== "report") expect(run.code, `${step} step:\n${run.stderr}`).toBe(0);
  }
  return {
    code: outputs[2].code,
    stdout: outputs.map((o) => o.stdout).join(""),
    stderr: outputs.map((o) => o.stderr).join(""),
  };
}

async function getObject(key: string): Promise<Buffer> {
  const response = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

async function listKeys(prefix: string): Promise<string[]> {
  const response = await s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (response.Contents ?? []).map((o) => o.Key!).sort();
}

/** Per-table row counts and an order-independent content hash of every row, for comparing two databases. */
async function fingerprint(database: string): Promise<Record<string, { rows: number; hash: string }>> {
  const tables = await pg.query<{ name: string }>(
    database,
    "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1",
  );
  const result: Record<string, { rows: number; hash: string }> = {};
  for (const { name } of tables) {
    const [row] = await pg.query<{ rows: string; hash: string }>(
      database,
      `SELECT count(*) AS rows, md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) AS hash FROM ${name} t`,
    );
    result[name] = { rows: Number(row.rows), hash: row.hash };
  }
  return result;
}

async function seed() {
  await pg.query("postgres", "CREATE DATABASE app");
  await pg.query("postgres", "CREATE DATABASE tenant_acme");
  await pg.query(
    "app",
    `CREATE TABLE tenants (id text PRIMARY KEY, name text NOT NULL, tier text NOT NULL);
     CREATE TABLE jobs (id bigserial PRIMARY KEY, tenant_id text REFERENCES tenants(id), status text NOT NULL,
                        payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT '2026-11-01T00:00:00Z');
     CREATE INDEX jobs_status ON jobs (status);
     INSERT INTO tenants VALUES ('acme', 'Acme Inc', 'enterprise'), ('initech', 'Initech', 'standard');
     INSERT INTO jobs (tenant_id, status, payload)
       SELECT CASE WHEN i % 3 = 0 THEN 'acme' ELSE 'initech' END, (ARRAY['queued','running','done'])[1 + i % 3],
              jsonb_build_object('n', i, 'text', repeat(md5(i::text), 4))
       FROM generate_series(1, 5000) AS i;`,
  );
  await pg.query(
    "tenant_acme",
    `CREATE SCHEMA reporting;
     CREATE TABLE documents (id int PRIMARY KEY, title text, body bytea);
     CREATE TABLE reporting.events (id int, kind text, at timestamptz);
     INSERT INTO documents SELECT i, 'doc ' || i, decode(md5(i::text) || md5((i * 7)::text), 'hex') FROM generate_series(1, 800) i;
     INSERT INTO reporting.events SELECT i, 'view', '2026-11-01T00:00:00Z'::timestamptz + i * interval '1 minute' FROM generate_series(1, 1200) i;`,
  );
}

beforeAll(async () => {
  awsCliPath();
  root = mkdtempSync(join(tmpdir(), "platform-backup-test-"));
  mkdirSync(join(root, "home"));
  giveToServerUser(root);
  pg = await startPostgres();
  s3 = await startS3([BUCKET]);
  s3Client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  pushgateway = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      pushes.push({ method: req.method ?? "", url: req.url ?? "", body });
      res.writeHead(200).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => pushgateway.listen(port, "127.0.0.1", resolve));
  pushgatewayUrl = `http://127.0.0.1:${port}`;
  await seed();
});

afterAll(async () => {
  s3Client?.destroy();
  await new Promise((resolve) => (pushgateway ? pushgateway.close(resolve) : resolve(undefined)));
  await s3?.stop();
  await pg?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("backup → restore → verify, for real", () => {
  let dumpKeys: Record<string, string>;

  it("backup.sh dumps every database and uploads each dump with its SHA-256 under <env>/<database>/<timestamp>.dump", async () => {
    const run = await runScript("backups/scripts/backup.sh", "all", backupEnv(newWorkDir("backup-1")));
    expect(run.code, run.stderr).toBe(0);
    dumpKeys = {};
    for (const database of DATABASES) {
      const keys = await listKeys(`${PREFIX}/${database}/`);
      expect(keys).toHaveLength(2);
      const [dump, checksum] = keys;
      expect(dump).toMatch(new RegExp(`^${PREFIX}/${database}/\\d{8}T\\d{6}Z\\.dump$`));
      expect(checksum).toBe(`${dump}.sha256`);
      const body = await getObject(dump);
      expect(body.subarray(0, 5).toString()).toBe("PGDMP"); // pg_dump's custom format
      const [hash, file] = (await getObject(checksum)).toString().trim().split(/\s+/);
      expect(hash).toBe(createHash("sha256").update(body).digest("hex"));
      expect(file).toBe(dump.split("/").pop());
      expect(run.stderr).toContain(`BACKUP_OK database=${database}`);
      dumpKeys[database] = dump;
    }
  });

  it("pushes platform_backup_last_success_timestamp_seconds per database to the Pushgateway", () => {
    for (const database of DATABASES) {
      const push = pushes.find((p) => p.url === `/metrics/job/platform_backup/stack/prod/database/${database}`);
      expect(push, `no push for ${database}: ${JSON.stringify(pushes.map((p) => p.url))}`).toBeDefined();
      const match = new RegExp(
        `^platform_backup_last_success_timestamp_seconds\\{database="${database}"\\} (\\d+)$`,
        "m",
      ).exec(push!.body);
      expect(match).not.toBeNull();
      expect(Math.abs(Number(match![1]) - Date.now() / 1000)).toBeLessThan(3600);
    }
  });

  it("a dump restored into a fresh database has the same row counts and content hash as the source", async () => {
    for (const database of DATABASES) {
      const file = join(root, `${database}.dump`);
      writeFileSync(file, await getObject(dumpKeys[database]));
      giveToServerUser(file);
      await pg.query("postgres", `CREATE DATABASE restored_${database}`);
      const restore = await new Promise<Run>((resolve, reject) => {
        const child = spawn(
          join(pg.binDir, "pg_restore"),
          ["--exit-on-error", "--no-owner", "-d", `restored_${database}`, file],
          { env: { ...process.env, ...pg.libpqEnv() } },
        );
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout: "", stderr }));
      });
      expect(restore.code, restore.stderr).toBe(0);
      const source = await fingerprint(database);
      expect(Object.keys(source).length).toBeGreaterThanOrEqual(2);
      expect(await fingerprint(`restored_${database}`)).toEqual(source);
    }
  });

  it("verify-restore.sh (fetch, restore, report as in the pod) restores the newest dumps into a scratch server and passes", async () => {
    const workDir = newWorkDir("verify-ok");
    const pushesBefore = pushes.length;
    const run = await verifyLikeThePod(verifyEnv(workDir));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain("RESTORE_VERIFY_FAILED");
    for (const database of DATABASES) {
      expect(run.stderr).toContain(`RESTORE_VERIFY_OK database=${database}`);
      // The scratch restore read every row of every table: its counts match the source.
      const counts = readFileSync(join(workDir, "restore", database, "row-counts.tsv"), "utf8")
        .trim()
        .split("\n")
        .map((line) => line.split("\t"));
      const source = await fingerprint(database);
      expect(Object.fromEntries(counts.map(([table, rows]) => [table, Number(rows)]))).toEqual(
        Object.fromEntries(Object.entries(source).map(([t, f]) => [t, f.rows])),
      );
    }
    const push = pushes.slice(pushesBefore).find((p) => p.url === `/metrics/job/platform_restore_verify/stack/prod`);
    expect(push?.method).toBe("POST");
    expect(push?.body).toMatch(/^platform_restore_verify_failed 0$/m);
    expect(push?.body).toMatch(/^platform_restore_verify_last_success_timestamp_seconds \d+$/m);
  });

  it("a corrupted dump fails verification: non-zero exit, RESTORE_VERIFY_FAILED log line, platform_restore_verify_failed 1", async () => {
    const key = dumpKeys.app;
    const body = Buffer.from(await getObject(key));
    body[Math.floor(body.length / 2)] ^= 0xff; // one flipped byte
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

    const workDir = newWorkDir("verify-corrupt");
    const pushesBefore = pushes.length;
    const run = await verifyLikeThePod(verifyEnv(workDir));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/RESTORE_VERIFY_FAILED database=app reason="checksum mismatch/);
    expect(run.stderr).toContain("RESTORE_VERIFY_OK database=tenant_acme"); // the other database is still verified
    const push = pushes.slice(pushesBefore).find((p) => p.url === `/metrics/job/platform_restore_verify/stack/prod`);
    expect(push?.body).toMatch(/^platform_restore_verify_failed 1$/m);
    expect(push?.body).not.toContain("last_success");
  });

  it("a newer dump that matches its checksum but does not restore fails verification (the restore is really run)", async () => {
    const garbage = Buffer.concat([Buffer.from("PGDMP"), Buffer.alloc(4096, 0x5a)]);
    const later = new Date(Date.now() + 60 * 60_000)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const key = `${PREFIX}/tenant_acme/${later}.dump`;
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: garbage }));
    const sha = `${createHash("sha256").update(garbage).digest("hex")}  ${later}.dump\n`;
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${key}.sha256`, Body: sha }));

    const run = await runScript(
      "backups/scripts/verify-restore.sh",
      "all",
      verifyEnv(newWorkDir("verify-garbage"), { VERIFY_DATABASES: "tenant_acme" }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`RESTORE_VERIFY_FAILED database=tenant_acme reason="pg_restore of ${later}\\.dump failed`),
    );
  });

  it("a database without dumps, or whose newest dump is too old, fails verification", async () => {
    const missing = await runScript(
      "backups/scripts/verify-restore.sh",
      "all",
      verifyEnv(newWorkDir("verify-missing"), { VERIFY_DATABASES: "tenant_ghost" }),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/RESTORE_VERIFY_FAILED database=tenant_ghost reason="no dump under/);

    const stale = await runScript(
      "backups/scripts/backup.sh",
      "all",
      backupEnv(newWorkDir("backup-old"), {
        BACKUP_DATABASES: "app",
        BACKUP_PREFIX: "old",
        BACKUP_TIMESTAMP: "20260101T020000Z",
      }),
    );
    expect(stale.code, stale.stderr).toBe(0);
    const old = await runScript(
      "backups/scripts/verify-restore.sh",
      "all",
      verifyEnv(newWorkDir("verify-old"), {
        VERIFY_DATABASES: "app",
        BACKUP_PREFIX: "old",
        VERIFY_MAX_DUMP_AGE_HOURS: "48",
      }),
    );
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(
      /RESTORE_VERIFY_FAILED database=app reason="newest dump old\/app\/20260101T020000Z\.dump is \d+h old \(limit 48h\)/,
    );
  });

  it("backup.sh fails loudly when a database cannot be dumped", async () => {
    const run = await runScript(
      "backups/scripts/backup.sh",
      "all",
      backupEnv(newWorkDir("backup-bad"), { BACKUP_DATABASES: "app does_not_exist" }),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("BACKUP_FAILED database=does_not_exist pg_dump failed");
  });
});

describe("offboarding export, for real (the tenant-export Job's script)", () => {
  const prefix = `${PREFIX}/offboarding/quitter`;

  it("exports only the tenant's schema to <env>/offboarding/<tenant>/, with its checksum, and records no backup metrics", async () => {
    await pg.query(
      "app",
      `CREATE SCHEMA tenant_quitter;
       CREATE TABLE tenant_quitter.orders (id int PRIMARY KEY, total numeric NOT NULL);
       INSERT INTO tenant_quitter.orders SELECT g, g * 1.5 FROM generate_series(1, 50) g;
       CREATE SCHEMA tenant_other;
       CREATE TABLE tenant_other.notes (id int PRIMARY KEY, body text);
       INSERT INTO tenant_other.notes VALUES (1, 'not the leaver''s');`,
    );
    const workDir = newWorkDir("export-quitter");
    const pushesBefore = pushes.length;
    const run = await runScript(
      "backups/scripts/backup.sh",
      "all",
      backupEnv(workDir, {
        BACKUP_DATABASES: "app",
        BACKUP_SCHEMA: "tenant_quitter",
        BACKUP_KIND: "export",
        BACKUP_PREFIX: prefix,
      }),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(`EXPORT_OK database=app schema=tenant_quitter key=s3://${BUCKET}/${prefix}/app/\\d{8}T\\d{6}Z\\.dump`),
    );
    const [dump, checksum] = await listKeys(`${prefix}/app/`);
    expect(checksum).toBe(`${dump}.sha256`);
    const file = join(root, "export-quitter.dump");
    writeFileSync(file, await getObject(dump));
    const contents = spawnSync(join(pg.binDir, "pg_restore"), ["--list", file], { encoding: "utf8" });
    expect(contents.status, contents.stderr).toBe(0);
    expect(contents.stdout).toMatch(/TABLE DATA tenant_quitter orders/);
    expect(contents.stdout).not.toMatch(/tenant_other|TABLE public/);
    expect(pushes.length).toBe(pushesBefore);
    expect(readdirSync(join(workDir, "metrics"))).toEqual([]);
  });

  it("refuses a schema export that names more than one database", async () => {
    const run = await runScript(
      "backups/scripts/backup.sh",
      "dump",
      backupEnv(newWorkDir("export-two"), {
        BACKUP_DATABASES: "app tenant_acme",
        BACKUP_SCHEMA: "tenant_quitter",
        BACKUP_KIND: "export",
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("EXPORT_FAILED BACKUP_SCHEMA needs exactly one database in BACKUP_DATABASES");
  });
});

describe("database maintenance, for real", () => {
  it("vacuum-analyze.sh runs VACUUM (ANALYZE) in every database and refreshes planner statistics", async () => {
    const run = await runScript("jobs/scripts/vacuum-analyze.sh", "", { MAINTENANCE_DATABASES: DATABASES.join(" ") });
    expect(run.code, run.stderr).toBe(0);
    for (const database of DATABASES) expect(run.stderr).toContain(`MAINTENANCE_OK database=${database}`);
    const [stats] = await pg.query<{ analyzed: boolean }>(
      "app",
      "SELECT last_analyze IS NOT NULL AND last_vacuum IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'jobs'",
    );
    expect(stats.analyzed).toBe(true);
  });
});
