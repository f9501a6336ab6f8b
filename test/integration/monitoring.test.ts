// The monitoring pieces against the real acceptors that run here: redis-server judges the exporter's ACL user and
// shows the INFO field RedisConnectionsHigh reads; the Pushgateway cleanup script runs against a Pushgateway emulated
// from its README (GET /metrics lists every group's push_time_seconds with its grouping labels; DELETE
// /metrics/job/<job>{/<label>/<value>} deletes exactly that group).
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "../helpers/redis";
import { serverSuite } from "../helpers/servers";
import { REDIS_EXPORTER_ACCESS_STRING } from "../../components/monitoring/exporters";
import { PRUNE_SCRIPT } from "../../components/monitoring/pushgateway-cleanup";

describe("redis_exporter's ElastiCache user (access string judged by redis-server's ACL)", () => {
  let redis: RedisServer;
  serverSuite(
    async () => {
      redis = await startRedis([
        { userName: "default", accessString: "off -@all", passwords: [] },
        { userName: "redis-exporter", accessString: REDIS_EXPORTER_ACCESS_STRING, passwords: ["exporter-secret-1"] },
        { userName: "platform", accessString: "on ~* &* +@all -@dangerous +info", passwords: ["platform-secret-1"] },
      ]);
    },
    async () => redis?.stop(),
  );

  it("may run what the exporter issues (INFO, PING, CLIENT SETNAME, LATENCY, SLOWLOG) and INFO carries maxclients", async () => {
    const client = redis.client("redis-exporter", "exporter-secret-1");
    try {
      expect(await client.ping()).toBe("PONG");
      await client.call("CLIENT", "SETNAME", "redis_exporter");
      await client.call("LATENCY", "LATEST");
      await client.call("SLOWLOG", "GET", "10");
      const info = String(await client.info("clients"));
      // redis_exporter maps INFO's maxclients to redis_max_clients (oliver006/redis_exporter exporter/exporter.go
      // metricMapGauges "maxclients": "max_clients"); RedisConnectionsHigh divides by it.
      expect(info).toMatch(/^maxclients:\d+\r?$/m);
      expect(info).toMatch(/^connected_clients:\d+\r?$/m);
    } finally {
      client.disconnect();
    }
  });

  it("may not read or write keys, run CONFIG or flush", async () => {
    const platform = redis.client("platform", "platform-secret-1");
    const client = redis.client("redis-exporter", "exporter-secret-1");
    try {
      await platform.set("tenant:acme:session", "x");
      await expect(client.get("tenant:acme:session")).rejects.toThrow(/NOPERM/);
      await expect(client.set("k", "v")).rejects.toThrow(/NOPERM/);
      await expect(client.call("CONFIG", "GET", "maxclients")).rejects.toThrow(/NOPERM/);
      await expect(client.call("FLUSHALL")).rejects.toThrow(/NOPERM/);
    } finally {
      client.disconnect();
      platform.disconnect();
    }
  });
});

/** A Pushgateway holding groups, answering GET /metrics and DELETE of a group path. */
function fakePushgateway(groups: Array<Record<string, string>>) {
  const deleted: string[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/metrics") {
      // The Pushgateway's exposition: one push_time_seconds per group, its grouping labels sorted (client_golang).
      const lines = groups.map((g) => {
        const labels = Object.entries({ instance: "", ...g })
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}="${v}"`)
          .join(",");
        return `push_time_seconds{${labels}} 1.7000000e+09`;
      });
      res.end(
        `# HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.\n# TYPE push_time_seconds gauge\n${lines.join("\n")}\n`,
      );
      return;
    }
    if (req.method === "DELETE" && req.url?.startsWith("/metrics/job/")) {
      deleted.push(req.url);
      res.statusCode = 202;
      res.end();
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  return new Promise<{ url: string; deleted: string[]; close: () => void }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        deleted,
        close: () => server.close(),
      }),
    ),
  );
}

const runCleanup = (env: Record<string, string>) =>
  new Promise<{ status: number | null; output: string }>((resolve) => {
    // spawnSync would block the event loop the fake server answers on: run it through a child of its own.
    const child = spawn("sh", ["-c", PRUNE_SCRIPT], { env: { PATH: process.env.PATH, ...env } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d));
    child.stderr.on("data", (d: Buffer) => (output += d));
    child.on("close", (status: number | null) => resolve({ status, output }));
  });

describe("Pushgateway cleanup script", () => {
  it("deletes exactly this stack's backup groups of databases it no longer backs up", async () => {
    const gateway = await fakePushgateway([
      { job: "platform_backup", stack: "prod", database: "app" },
      { job: "platform_backup", stack: "prod", database: "tenant_acme" },
      { job: "platform_backup", stack: "prod", database: "tenant_oldco" },
      { job: "platform_backup", stack: "prod-tenants-a", database: "tenant_initrode" },
      { job: "platform_restore_verify", stack: "prod" },
      { job: "platform_reconcile", stack: "prod" },
    ]);
    try {
      const { status, output } = await runCleanup({
        PUSHGATEWAY_URL: `${gateway.url}/`,
        PUSHGATEWAY_STACK: "prod",
        BACKUP_JOB: "platform_backup",
        EXPECTED_DATABASES: "app tenant_acme tenant_globex",
      });
      expect(status, output).toBe(0);
      expect(gateway.deleted).toEqual(["/metrics/job/platform_backup/stack/prod/database/tenant_oldco"]);
      expect(output).toContain("1 group(s) deleted");
    } finally {
      gateway.close();
    }
  });

  it("succeeds without deleting anything when the Pushgateway cannot be reached", async () => {
    const { status, output } = await runCleanup({
      PUSHGATEWAY_URL: "http://127.0.0.1:9",
      PUSHGATEWAY_STACK: "prod",
      BACKUP_JOB: "platform_backup",
      EXPECTED_DATABASES: "app",
    });
    expect(status, output).toBe(0);
    expect(output).toContain("nothing deleted");
  });

  it("is valid POSIX sh (busybox sh runs it in the curl image)", () => {
    expect(spawnSync("sh", ["-n", "-c", PRUNE_SCRIPT]).status).toBe(0);
  });
});
