import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { captureOutput, findBinary, freePort, spawn, stopProcess, waitUntilReady } from "./servers";

/** An ACL user as ElastiCache holds it: a name, an access string and passwords. */
export interface AclUser {
  userName: string;
  accessString: string;
  passwords: string[];
}

export interface RedisServer {
  host: string;
  port: number;
  /** A client authenticated as `user` (lazy: errors surface on the first command); the caller quits it. */
  client(user: string, password: string): Redis;
  stop(): Promise<void>;
}

/** The aclfile line of a user: `user <name> <access string> >password...`. */
export const aclLine = (user: AclUser) =>
  `user ${user.userName} ${user.accessString} ${user.passwords.map((p) => `>${p}`).join(" ")}`.trim();

/**
 * Starts a throwaway redis-server on 127.0.0.1 on a free port with exactly the given ACL users (an aclfile in a temp
 * dir; no persistence; DEBUG enabled so that the ACL, not the server config, is what refuses it). Give a user
 * named "default" to replace the open default user. Fails clearly if
 * redis-server is missing.
 */
export async function startRedis(users: AclUser[]): Promise<RedisServer> {
  const binary = findBinary(
    process.env.REDIS_SERVER ? [process.env.REDIS_SERVER] : ["redis-server", "/usr/bin/redis-server"],
    "apt-get install redis-server",
  );
  const dir = mkdtempSync(join(tmpdir(), "redis-it-"));
  const aclFile = join(dir, "users.acl");
  writeFileSync(aclFile, `${users.map(aclLine).join("\n")}\n`);
  const port = await freePort();
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--aclfile",
      aclFile,
      "--daemonize",
      "no",
      "--enable-debug-command",
      "yes",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output = captureOutput(child);
  const client = (user: string, password: string) =>
    new Redis({
      host: "127.0.0.1",
      port,
      username: user,
      password,
      lazyConnect: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: true,
      enableReadyCheck: false,
    });
  const stop = async () => {
    await stopProcess(child, "SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Any reply, even NOAUTH/WRONGPASS, means the server is up.
    await waitUntilReady(`redis-server on 127.0.0.1:${port}`, child, () => pingRaw(port), output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: "127.0.0.1", port, client, stop };
}

function pingRaw(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = require("node:net").connect(port, "127.0.0.1") as import("node:net").Socket;
    socket.once("error", reject);
    socket.once("data", () => {
      socket.destroy();
      resolve();
    });
    socket.write("PING\r\n");
  });
}
