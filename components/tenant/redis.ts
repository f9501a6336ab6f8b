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
  /**
   * What this tenant's membership must wait for: the replication group (its creation modifies the user group) or
   * the previous tenant's membership (see `tenantRedisUser`). Defaults to none.
   */
  membershipAfter?: pulumi.Resource[];
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

/**
 * A tenant's ElastiCache user (on while active, off otherwise) and its membership in the platform's user group.
 *
 * Memberships are created one after another (`membershipAfter`), never together: each is a ModifyUserGroup call that
 * puts the group in "modifying", and while it is, ElastiCache refuses the next one with InvalidUserGroupStateFault.
 * The provider retries that fault only within the create/delete timeout, 10 minutes by default
 * (hashicorp/terraform-provider-aws internal/service/elasticache/user_group_association.go:
 * `RetryWhenIsA[*awstypes.InvalidUserGroupStateFault](ctx, d.Timeout(schema.TimeoutCreate), ...)`, `Create:
 * schema.DefaultTimeout(10 * time.Minute)`), then waits for the group to be active again. Concurrent memberships
 * (and memberships racing the replication group that attaches the group) run out of that window
 * (hashicorp/terraform-provider-aws#28688, #37911); a chain never has two modifications in flight, and Pulumi
 * deletes a chain in reverse, one at a time, too.
 */
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
      accessString: tenantAccessString(tenantId, {
        enabled: lifecycle.canLogin || lifecycle.writesHeld,
        keyPatterns: args.keyPatterns,
      }),
      noPasswordRequired: false,
      authenticationMode: { type: "password", passwords: [password] },
    },
    opts,
  );
  const membership = new aws.elasticache.UserGroupAssociation(
    `${name}-redis-membership`,
    { userGroupId: args.userGroupId, userId: user.userId },
    { ...opts, dependsOn: args.membershipAfter ?? [] },
  );
  return { user, membership };
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
