/**
 * How the backup and verification scripts fail: a corrupted dump, a dump that matches its checksum but does not
 * restore, a database without dumps, stale dumps, a database that cannot be dumped, a malformed export. Each must
 * fail loudly (exit code, log line, metric). Runs on PostgreSQL 15 bootstrapped like RDS, as the master, on
 * databases the master owns (the role model itself is proven in backup-restore.test.ts).
 */
import { createHash } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresServer } from "../helpers/postgres";
import { startRdsPostgres } from "../helpers/postgres-rds";
import { ScriptBench, startScriptBench, verifyLikeThePod } from "../helpers/backup-scripts";
import { renderStack } from "../helpers/render";
import * as stacks from "../fixtures/stacks";

const BUCKET = "platform-backups";
const DATABASES = ["app", "tenant_acme"];
/** The Pulumi stack the production fixture is rendered as: the `stack` grouping label of its pushes. */
const STACK = "prod";

let pg: PostgresServer;
let bench: ScriptBench;
let dumpKeys: Record<string, string> = {};
/** BACKUP_PREFIX and PUSHGATEWAY_STACK as the rendered upload (backup) and report (verification) containers set them. */
let rendered: { backup: Record<string, string>; verify: Record<string, string> };
const PREFIX = () => rendered.backup.BACKUP_PREFIX;

/** The plain environment values of a container of a rendered CronJob, restricted to `names`. */
async function renderedEnv(names: string[]) {
  const stack = await renderStack(stacks.production(), { stack: STACK });
  const envOf = (job: string, container: string) => {
    const cronJob = stack.ofType("kubernetes:batch/v1:CronJob").find((j) => (j.inputs as any).metadata.name === job);
    const spec = (cronJob?.inputs as any)?.spec.jobTemplate.spec.template.spec;
    const found = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].find((c) => c.name === container);
    if (!found) throw new Error(`no container ${container} in a rendered CronJob ${job}`);
    const env = found.env as { name: string; value?: string }[];
    return Object.fromEntries(names.map((n) => [n, String(env.find((e) => e.name === n)?.value)]));
  };
  return { backup: envOf("database-backup", "upload"), verify: envOf("database-restore-verify", "report") };
}

const backupEnv = (workDir: string, extra: Record<string, string> = {}) => ({
  ...rendered.backup,
  BACKUP_DATABASES: DATABASES.join(" "),
  BACKUP_WORK_DIR: workDir,
  BACKUP_BUCKET: BUCKET,
  AWS_ENDPOINT_URL: bench.s3.endpoint,
  PUSHGATEWAY_URL: bench.pushgatewayUrl,
  ...extra,
});
const verifyEnv = (workDir: string, extra: Record<string, string> = {}) => ({
  ...rendered.verify,
  VERIFY_DATABASES: DATABASES.join(" "),
  VERIFY_WORK_DIR: workDir,
  BACKUP_BUCKET: BUCKET,
  AWS_ENDPOINT_URL: bench.s3.endpoint,
  PUSHGATEWAY_URL: bench.pushgatewayUrl,
  VERIFY_MIN_TABLES: "1",
  ...extra,
});
const put = (key: string, body: Buffer | string) =>
  bench.s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

beforeAll(async () => {
  rendered = await renderedEnv(["BACKUP_PREFIX", "PUSHGATEWAY_STACK"]);
  pg = await startRdsPostgres({ version: "15", master: { user: "platform_admin", password: "master-password-1" } });
  bench = await startScriptBench(() => pg, BUCKET);
  for (const database of DATABASES) {
    await pg.query("postgres", `CREATE DATABASE ${database}`);
    await pg.query(
      database,
      "CREATE TABLE items (id int PRIMARY KEY, v text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 500) g",
    );
  }
  const run = await bench.run("backups/scripts/backup.sh", "all", backupEnv(bench.workDir("backup")));
  if (run.code !== 0) throw new Error(run.stderr);
  for (const database of DATABASES) dumpKeys[database] = (await bench.listKeys(`${PREFIX()}/${database}/`))[0];
}, 120_000);

afterAll(async () => {
  await bench?.stop();
  await pg?.stop();
});

describe("backup and verification failures, for real", () => {
  // Groups are addressed /metrics/job/<JOB>{/<LABEL>/<VALUE>} (prometheus/pushgateway README, "API" › "URL"); the stacks
  // share a Pushgateway, so each group carries its Pulumi stack (`stack`), the label the alerts select on.
  it("pushes platform_backup_last_success_timestamp_seconds per database to the Pushgateway, in the stack's group", () => {
    expect(rendered.backup.PUSHGATEWAY_STACK).toBe(STACK);
    for (const database of DATABASES) {
      const push = bench.pushes.find(
        (p) => p.url === `/metrics/job/platform_backup/stack/${STACK}/database/${database}`,
      );
      expect(push, `no push for ${database}`).toBeDefined();
      const match = new RegExp(
        `^platform_backup_last_success_timestamp_seconds\\{database="${database}"\\} (\\d+)$`,
        "m",
      ).exec(push!.body);
      expect(Math.abs(Number(match![1]) - Date.now() / 1000)).toBeLessThan(3600);
    }
  });

  it("a corrupted dump fails verification: non-zero exit, RESTORE_VERIFY_FAILED log line, platform_restore_verify_failed 1", async () => {
    const body = Buffer.from(await bench.getObject(dumpKeys.app));
    body[Math.floor(body.length / 2)] ^= 0xff; // one flipped byte
    await put(dumpKeys.app, body);
    const pushesBefore = bench.pushes.length;
    const run = await verifyLikeThePod(bench, verifyEnv(bench.workDir("verify-corrupt")));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/RESTORE_VERIFY_FAILED database=app reason="checksum mismatch/);
    expect(run.stderr).toContain("RESTORE_VERIFY_OK database=tenant_acme"); // the other database is still verified
    const push = bench.pushes
      .slice(pushesBefore)
      .find((p) => p.url === `/metrics/job/platform_restore_verify/stack/${STACK}`);
    expect(push?.body).toMatch(/^platform_restore_verify_failed 1$/m);
    expect(push?.body).not.toContain("last_success");
  });

  it("a newer dump that matches its checksum but does not restore fails verification (the restore is really run)", async () => {
    const garbage = Buffer.concat([Buffer.from("PGDMP"), Buffer.alloc(4096, 0x5a)]);
    const later = new Date(Date.now() + 60 * 60_000)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const key = `${PREFIX()}/tenant_acme/${later}.dump`;
    await put(key, garbage);
    await put(`${key}.sha256`, `${createHash("sha256").update(garbage).digest("hex")}  ${later}.dump\n`);
    const run = await bench.run(
      "backups/scripts/verify-restore.sh",
      "all",
      verifyEnv(bench.workDir("verify-garbage"), { VERIFY_DATABASES: "tenant_acme" }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`RESTORE_VERIFY_FAILED database=tenant_acme reason="pg_restore of ${later}\\.dump failed`),
    );
  });

  it("a database without dumps, or whose newest dump is too old, fails verification", async () => {
    const missing = await bench.run(
      "backups/scripts/verify-restore.sh",
      "all",
      verifyEnv(bench.workDir("verify-missing"), { VERIFY_DATABASES: "tenant_ghost" }),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/RESTORE_VERIFY_FAILED database=tenant_ghost reason="no dump under/);

    const stale = await bench.run(
      "backups/scripts/backup.sh",
      "all",
      backupEnv(bench.workDir("backup-old"), {
        BACKUP_DATABASES: "app",
        BACKUP_PREFIX: "old",
        BACKUP_TIMESTAMP: "20260101T020000Z",
      }),
    );
    expect(stale.code, stale.stderr).toBe(0);
    const old = await bench.run(
      "backups/scripts/verify-restore.sh",
      "all",
      verifyEnv(bench.workDir("verify-old"), { VERIFY_DATABASES: "app", BACKUP_PREFIX: "old" }),
    );
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(
      /RESTORE_VERIFY_FAILED database=app reason="newest dump old\/app\/20260101T020000Z\.dump is \d+h old \(limit 48h\)/,
    );
  });

  it("backup.sh fails loudly when a database cannot be dumped", async () => {
    const run = await bench.run(
      "backups/scripts/backup.sh",
      "all",
      backupEnv(bench.workDir("backup-bad"), { BACKUP_DATABASES: "app does_not_exist" }),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("BACKUP_FAILED database=does_not_exist pg_dump failed");
  });

  it("refuses a schema export that names more than one database", async () => {
    const run = await bench.run(
      "backups/scripts/backup.sh",
      "dump",
      backupEnv(bench.workDir("export-two"), {
        BACKUP_SCHEMA: "tenant_quitter",
        BACKUP_KIND: "export",
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("EXPORT_FAILED BACKUP_SCHEMA needs exactly one database in BACKUP_DATABASES");
  });
});
