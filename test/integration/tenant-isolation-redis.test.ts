// Proves tenant isolation on a real redis-server: every ElastiCache user the plan records (access string and
// generated password) becomes an ACL user, then tenants' clients probe what they can reach.
import { describe, expect, it } from "vitest";
import { serverSuite } from "../helpers/servers";
import type Redis from "ioredis";
import { AclUser, RedisServer, startRedis } from "../helpers/redis";
import { renderStack } from "../helpers/render";
import type { RecordedResource } from "@platform/offline-plan";
import * as stacks from "../fixtures/stacks";

const TENANTS = [
  { id: "alpha", name: "Alpha", tier: "enterprise" },
  { id: "bravo", name: "Bravo", tier: "enterprise" },
  { id: "delta", name: "Delta", tier: "enterprise", state: "suspended" },
  { id: "gamma", name: "Gamma", tier: "standard" },
];

let server: RedisServer;
let users: AclUser[];
const clients: Redis[] = [];

/** The ElastiCache users of the plan, as ACL users (revealed passwords). */
function aclUsersOf(resources: RecordedResource[]): AclUser[] {
  return resources
    .filter((r) => r.type === "aws:elasticache/user:User")
    .map((r) => {
      const i = r.revealedInputs as {
        userName: string;
        accessString: string;
        authenticationMode: { passwords: string[] };
      };
      return { userName: i.userName, accessString: i.accessString, passwords: i.authenticationMode.passwords };
    });
}
const user = (name: string) => {
  const found = users.find((u) => u.userName === name);
  if (!found)
    throw new Error(`no ElastiCache user ${name} in the plan; there are ${users.map((u) => u.userName).join(", ")}`);
  return found;
};
const clientOf = (name: string) => {
  const client = server.client(name, user(name).passwords[0]);
  client.on("error", () => undefined);
  clients.push(client);
  return client;
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "succeeded",
    (error: Error) => error.message,
  );

serverSuite(
  async () => {
    const config = stacks.production();
    config["platform:tenants"] = TENANTS;
    (config["platform:redis"] as Record<string, unknown>).tenantKeyPatterns = ["session:{id}:*"];
    const { resources } = await renderStack(config, { stack: "it", revealSecrets: true });
    users = aclUsersOf(resources);
    server = await startRedis(users);
    const platform = clientOf("platform");
    await platform.set("tenant:bravo:plan", "enterprise");
    await platform.set("session:bravo:1", "token");
  },
  async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  },
);

describe("tenant isolation on a real redis-server, with the plan's ACL users", () => {
  it("only tenants of Redis-user tiers get a user (beside the platform's and redis_exporter's); the default user is off", () => {
    // redis-exporter: the monitoring exporters' own ElastiCache user (components/monitoring/exporters.ts); the
    // test below holds it away from tenants' keys, test/integration/monitoring.test.ts to the commands it issues.
    expect(users.map((u) => u.userName).sort()).toEqual([
      "default",
      "platform",
      "redis-exporter",
      "tenant-alpha",
      "tenant-bravo",
      "tenant-delta",
    ]);
  });

  it("a tenant reads and writes its own keys and channels", async () => {
    const alpha = clientOf("tenant-alpha");
    await alpha.set("tenant:alpha:counter", "1");
    expect(await alpha.incr("tenant:alpha:counter")).toBe(2);
    await alpha.set("session:alpha:42", "s", "EX", 60);
    expect(await alpha.get("session:alpha:42")).toBe("s");
    expect(await alpha.del("tenant:alpha:counter")).toBe(1);
    expect(await alpha.publish("tenant:alpha:events", "hello")).toBe(0);
  });

  it("a tenant gets NOPERM on another tenant's keys and channels", async () => {
    const alpha = clientOf("tenant-alpha");
    expect(await failure(alpha.get("tenant:bravo:plan"))).toMatch(/^NOPERM .*(key|keys)/);
    expect(await failure(alpha.set("tenant:bravo:plan", "free"))).toMatch(/^NOPERM/);
    expect(await failure(alpha.get("session:bravo:1"))).toMatch(/^NOPERM/);
    expect(await failure(alpha.del("tenant:bravo:plan"))).toMatch(/^NOPERM/);
    expect(await failure(alpha.publish("tenant:bravo:events", "x"))).toMatch(/^NOPERM .*channel/);
    // A tenant whose id starts like another's is still confined by the ":" after the id.
    expect(await failure(alpha.get("tenant:alphabet:x"))).toMatch(/^NOPERM/);
  });

  it("a tenant gets NOPERM on admin, dangerous and key-listing commands", async () => {
    const alpha = clientOf("tenant-alpha");
    for (const command of [
      ["flushall"],
      ["flushdb"],
      ["config", "get", "maxmemory"],
      ["keys", "*"],
      ["scan", "0"],
      ["randomkey"],
      ["pubsub", "channels"],
      ["info"],
      ["debug", "sleep", "0"],
      ["monitor"],
      ["acl", "list"],
      ["client", "list"],
    ]) {
      expect(await failure(alpha.call(command[0], ...command.slice(1))), command.join(" ")).toMatch(/^NOPERM/);
    }
    expect(await clientOf("platform").get("tenant:bravo:plan")).toBe("enterprise");
  });

  it("redis_exporter's user, as the plan renders it, reaches no tenant's keys or channels", async () => {
    const exporter = clientOf("redis-exporter");
    expect(await exporter.ping()).toBe("PONG");
    expect(await failure(exporter.get("tenant:bravo:plan"))).toMatch(/^NOPERM/);
    expect(await failure(exporter.get("session:bravo:1"))).toMatch(/^NOPERM/);
    expect(await failure(exporter.publish("tenant:bravo:events", "x"))).toMatch(/^NOPERM/);
    expect(await failure(exporter.call("keys", "*"))).toMatch(/^NOPERM/);
  });

  it("a suspended tenant's user cannot authenticate, and the default user is off", async () => {
    expect(await failure(clientOf("tenant-delta").ping())).toMatch(/WRONGPASS|disabled|invalid username-password/i);
    const anonymous = server.client("default", "whatever");
    anonymous.on("error", () => undefined);
    clients.push(anonymous);
    expect(await failure(anonymous.ping())).toMatch(/WRONGPASS|invalid username-password/i);
  });
});
