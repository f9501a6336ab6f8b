import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, ClientConfig } from "pg";
import { captureOutput, freePort, requireBinary, spawn, stopProcess, waitUntilReady } from "./servers";

/** Debian's PostgreSQL 15 server binaries (package `postgresql`); override with PG_BIN. */
export const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PostgresServer {
  host: string;
  port: number;
  /** The superuser, with `password` (password authentication over TCP). */
  user: string;
  password: string;
  dataDir: string;
  /** A connected client of `user` on `database` (default `postgres`); the caller ends it. */
  connect(database?: string, as?: { user: string; password: string }): Promise<Client>;
  /** Connection settings for another role. */
  config(database: string, as?: { user: string; password: string }): ClientConfig;
  stop(): Promise<void>;
}

/** The uid/gid to run PostgreSQL as: ourselves, or the `postgres` user when we are root (postgres refuses root). */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, and there is no "postgres" user to run PostgreSQL as (install the Debian package postgresql)');
  }
}

/**
 * Starts a throwaway PostgreSQL: initdb into a temp dir, listening on 127.0.0.1 on a free port (socket inside the
 * temp dir), password authentication (scram-sha-256) for TCP. Fails with a clear message if the binaries are missing.
 */
export async function startPostgres(options: { maxConnections?: number } = {}): Promise<PostgresServer> {
  const initdb = requireBinary(join(PG_BIN, "initdb"), "apt-get install postgresql");
  const postgres = requireBinary(join(PG_BIN, "postgres"), "apt-get install postgresql");
  const as = serverUser();
  const dir = mkdtempSync(join(tmpdir(), "pg-it-"));
  const dataDir = join(dir, "data");
  const password = `su-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, "pwfile"), password);
  if (as.uid !== undefined) chownSync(dir, as.uid, as.gid!);
  if (as.uid !== undefined) chownSync(join(dir, "pwfile"), as.uid, as.gid!);
  execFileSync(initdb, ["-D", dataDir, "-U", "postgres", `--pwfile=${join(dir, "pwfile")}`, "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C"], {
    ...as,
    stdio: "pipe",
  });
  const port = await freePort();
  const child = spawn(postgres, ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${dir}`, "-c", `max_connections=${options.maxConnections ?? 60}`, "-c", "fsync=off"], {
    ...as,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = captureOutput(child);
  const config = (database: string, who = { user: "postgres", password }): ClientConfig => ({ host: "127.0.0.1", port, database, user: who.user, password: who.password, connectionTimeoutMillis: 5000 });
  const connect = async (database = "postgres", who?: { user: string; password: string }) => {
    const client = new Client(config(database, who));
    client.on("error", () => undefined);
    await client.connect();
    return client;
  };
  const stop = async () => {
    await stopProcess(child, "SIGINT");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(`postgres on 127.0.0.1:${port}`, child, async () => (await connect()).end(), output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: "127.0.0.1", port, user: "postgres", password, dataDir, connect, config, stop };
}
