/**
 * Runs the backup, verification and maintenance scripts for real — the same files the jobs mount from their
 * ConfigMaps — against a PostgreSQL server, a local S3-compatible server and a fake Pushgateway, in a temp dir, as
 * the PostgreSQL system user when the tests run as root (initdb refuses root). Shared by the integration tests.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { PostgresServer, asServerUser, freePort, giveToServerUser } from "./postgres";
import { S3Server, awsCliPath, startS3 } from "./s3";

const COMPONENTS = join(__dirname, "..", "..", "components");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Push {
  method: string;
  url: string;
  body: string;
}

export interface ScriptBench {
  root: string;
  s3: S3Server;
  s3Client: S3Client;
  bucket: string;
  pushgatewayUrl: string;
  pushes: Push[];
  /** Runs a script (path under components/) in `mode`, with the server's default login unless `env` says otherwise. */
  run(relativePath: string, mode: string, env: Record<string, string>): Promise<Run>;
  /** A fresh directory the scripts may write (a pod's work volume). */
  workDir(name: string): string;
  getObject(key: string): Promise<Buffer>;
  listKeys(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts S3 (with `bucket`) and a Pushgateway that records what is pushed; scripts connect to `pg`. */
export async function startScriptBench(pg: () => PostgresServer, bucket: string): Promise<ScriptBench> {
  awsCliPath();
  const root = mkdtempSync(join(tmpdir(), "platform-backup-test-"));
  mkdirSync(join(root, "home"));
  giveToServerUser(root);
  const s3 = await startS3([bucket]);
  const s3Client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const pushes: Push[] = [];
  const pushgateway: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      pushes.push({ method: req.method ?? "", url: req.url ?? "", body });
      res.writeHead(200).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => pushgateway.listen(port, "127.0.0.1", resolve));

  const run = (relativePath: string, mode: string, env: Record<string, string>): Promise<Run> => {
    const scriptDir = join(root, "scripts");
    mkdirSync(scriptDir, { recursive: true });
    const script = join(scriptDir, relativePath.split("/").pop()!);
    copyFileSync(join(COMPONENTS, relativePath), script);
    giveToServerUser(scriptDir);
    const server = pg();
    const fullEnv = {
      PATH: `${server.clientBinDir}:${dirname(awsCliPath())}:/usr/bin:/bin`,
      LANG: "C.UTF-8",
      TMPDIR: join(root, "home"),
      ...server.libpqEnv(),
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
  };
  return {
    root,
    s3,
    s3Client,
    bucket,
    pushgatewayUrl: `http://127.0.0.1:${port}`,
    pushes,
    run,
    workDir: (name) => {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      giveToServerUser(dir);
      return dir;
    },
    getObject: async (key) => {
      const response = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await response.Body!.transformToByteArray());
    },
    listKeys: async (prefix) => {
      const response = await s3Client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (response.Contents ?? []).map((o) => o.Key!).sort();
    },
    stop: async () => {
      s3Client.destroy();
      await new Promise((resolve) => pushgateway.close(resolve));
      await s3.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The verify CronJob's pod runs fetch, restore and report as three containers sharing one volume. */
export async function verifyLikeThePod(bench: ScriptBench, env: Record<string, string>): Promise<Run> {
  const outputs: Run[] = [];
  for (const step of ["fetch", "restore", "report"]) {
    const run = await bench.run("backups/scripts/verify-restore.sh", step, env);
    outputs.push(run);
    if (step !== "report" && run.code !== 0) throw new Error(`${step} step exited ${run.code}:\n${run.stderr}`);
  }
  return {
    code: outputs[2].code,
    stdout: outputs.map((o) => o.stdout).join(""),
    stderr: outputs.map((o) => o.stderr).join(""),
  };
}

/**
 * Per-table row counts and an order-independent content hash of every row, read as `login` (default: the server's),
 * for comparing a database with its restored copy.
 */
export async function fingerprint(
  pg: PostgresServer,
  database: string,
  login = pg.login,
): Promise<Record<string, { rows: number; hash: string }>> {
  const client = await pg.connect(database, login);
  try {
    const tables = await client.query<{ name: string }>(
      "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1",
    );
    const result: Record<string, { rows: number; hash: string }> = {};
    for (const { name } of tables.rows) {
      const {
        rows: [row],
      } = await client.query<{ rows: string; hash: string }>(
        `SELECT count(*) AS rows, md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) AS hash FROM ${name} t`,
      );
      result[name] = { rows: Number(row.rows), hash: row.hash };
    }
    return result;
  } finally {
    await client.end();
  }
}
