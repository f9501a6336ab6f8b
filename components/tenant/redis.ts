import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";
import { Lifecycle, tenantNames } from "./lifecycle";

export interface TenantRedisArgs {
  /** The platform's RBAC user group (`Redis.userGroupId`); tenant users join it by UserGroupAssociation. */
  userGroupId: pulumi.Input<string>;
  /** Primary endpoint and port (`Redis.primaryEndpoint`, `Redis.port`). */
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  /** Account-unique prefix of ElastiCache user ids (e.g. `platform-prod`). */
  idPrefix: string;
  /** `platform:redis.tenantKeyPatterns`: extra key patterns with `{id}`. Defaults to none. */
  keyPatterns?: readonly string[];
  /** AWS provider of the stack's region. */
  provider: aws.Provider;
}

/**
 * Commands a tenant never gets besides the `@admin` and `@dangerous` categories (FLUSHALL, CONFIG, KEYS, INFO,
 * DEBUG, MONITOR, ...): SCAN and RANDOMKEY return key names regardless of key patterns, and PUBSUB lists every
 * tenant's channels.
 */
export const TENANT_DENIED_COMMANDS = ["scan", "randomkey", "pubsub"] as const;

/**
 * The ACL of a tenant's Redis user: `on`/`off` first (ElastiCache requires one), keys `tenant:<id>:*` plus the
 * configured patterns with `{id}` filled in, channels `tenant:<id>:*`, then all commands less the admin, dangerous
 * and name-leaking ones.
 */
export function tenantAccessString(
  tenantId: string,
  options: { enabled: boolean; keyPatterns?: readonly string[] },
): string {
  const prefix = tenantNames(tenantId).keyPrefix;
  const keys = [...new Set([`${prefix}*`, ...(options.keyPatterns ?? []).map((p) => p.replace("{id}", tenantId))])];
  return [
    options.enabled ? "on" : "off",
    ...keys.map((k) => `~${k}`),
    `&${prefix}*`,
    "+@all",
    "-@admin",
    "-@dangerous",
    ...TENANT_DENIED_COMMANDS.map((c) => `-${c}`),
  ].join(" ");
}

/**
 * ElastiCache user id of a tenant: unique in the account and region, 1–40 characters. `<prefix>-t-<id>` when it
 * fits, else `<id>-<hash>` (the hash covers prefix and id, so long ids never collide by truncation).
 */
export function tenantRedisUserId(idPrefix: string, tenantId: string): string {
  const natural = `${idPrefix}-t-${tenantId}`;
  if (natural.length <= 40) return natural;
  return `${tenantId}-${createHash("sha256").update(natural).digest("hex").slice(0, 7)}`;
}

/** A tenant's ElastiCache user (on while active, off otherwise) and its membership in the platform's user group. */
export function tenantRedisUser(
  name: string,
  tenantId: string,
  lifecycle: Lifecycle,
  password: pulumi.Input<string>,
  args: TenantRedisArgs,
  parent: pulumi.Resource,
) {
  const opts = { parent, provider: args.provider };
  const user = new aws.elasticache.User(
    `${name}-redis-user`,
    {
      userId: tenantRedisUserId(args.idPrefix, tenantId),
      userName: tenantNames(tenantId).redisUser,
      engine: "redis",
      accessString: tenantAccessString(tenantId, { enabled: lifecycle.canLogin, keyPatterns: args.keyPatterns }),
      noPasswordRequired: false,
      authenticationMode: { type: "password", passwords: [password] },
    },
    opts,
  );
  new aws.elasticache.UserGroupAssociation(
    `${name}-redis-membership`,
    { userGroupId: args.userGroupId, userId: user.userId },
    opts,
  );
  return user;
}

/** `rediss://` URL of a tenant's Redis user (TLS is required). A secret. */
export function redisUrl(args: {
  user: pulumi.Input<string>;
  password: pulumi.Input<string>;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
}) {
  return pulumi.secret(
    pulumi.interpolate`rediss://${args.user}:${pulumi.output(args.password).apply(encodeURIComponent)}@${args.host}:${args.port}`,
  );
}
