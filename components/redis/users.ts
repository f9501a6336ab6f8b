import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";
import * as random from "@pulumi/random";
import { boundedId } from "../aws/names";

/** ElastiCache allows at most this many users in one user group (the `default` user counts). */
export const MAX_USERS_PER_GROUP = 100;

/** The `default` user every group must contain, switched off: a client that does not AUTH gets nothing. */
export const DISABLED_DEFAULT_ACCESS_STRING = "off -@all";

/**
 * Full key and channel access for the platform's own services (queues, caches, locks), without the commands that
 * can wipe or stall the whole cache (FLUSHALL, KEYS, DEBUG, ...: `@dangerous`). INFO, which queue libraries call
 * to check the server version, is given back.
 */
export const PLATFORM_ACCESS_STRING = "on ~* &* +@all -@dangerous +info";

/**
 * ElastiCache user and group ids: 1–40 characters, a letter first, letters, digits and single hyphens, unique in
 * the account and region, so they carry the stack name.
 */
export function elasticacheId(...parts: string[]): string {
  return boundedId(40, ...parts);
}

type ChildOpts = { parent: pulumi.Resource; provider: aws.Provider };

/** A generated ElastiCache password: 32 letters and digits (ElastiCache takes 16–128 printable characters). */
function redisPassword(name: string, generation: number, parent: pulumi.Resource) {
  const password = new random.RandomPassword(
    `${name}-password`,
    { length: 32, special: false, keepers: { generation: String(generation) } },
    { parent },
  );
  return pulumi.secret(password.result);
}

export interface RedisUsersArgs {
  /** Account-unique prefix of user and group ids (e.g. `platform-prod`). */
  idPrefix: string;
  /** Bump to rotate the platform user's password (`platform:redis.platformUserGeneration`). */
  platformUserGeneration: number;
  /**
   * Keep accepting the previous generation's password next to the current one (ElastiCache users take up to two),
   * for a rotation without an outage. Defaults to false.
   */
  keepPreviousPlatformPassword?: boolean;
}

/**
 * Pulumi name of the platform user's password of a generation. Each generation has its own resource, so the
 * previous one still exists (with its value) while both are accepted; generation 1 keeps the original name.
 */
export function platformPasswordName(name: string, generation: number): string {
  return generation === 1 ? `${name}-platform-user` : `${name}-platform-user-g${generation}`;
}

/**
 * The RBAC user group: created with a disabled `default` user (a user named "default" is mandatory in every group),
 * the platform user joined by a UserGroupAssociation exactly as tenant users are later, so the group's member list
 * is owned by associations (`ignoreChanges: ["userIds"]` keeps the group from removing them).
 */
export function redisUsers(name: string, args: RedisUsersArgs, opts: ChildOpts) {
  const user = (
    role: string,
    userName: string,
    accessString: string,
    password: pulumi.Input<string>,
    alsoAccepted: pulumi.Input<string>[] = [],
  ) =>
    new aws.elasticache.User(
      `${name}-${role}`,
      {
        userId: elasticacheId(args.idPrefix, userName === "default" ? "default-off" : userName),
        userName,
        engine: "redis",
        accessString,
        noPasswordRequired: false,
        authenticationMode: { type: "password", passwords: [password, ...alsoAccepted] },
      },
      opts,
    );
  // The default user's password is never used (the user is off); ElastiCache still wants a way to authenticate.
  const defaultUser = user(
    "default-user",
    "default",
    DISABLED_DEFAULT_ACCESS_STRING,
    redisPassword(`${name}-default-user`, 1, opts.parent),
  );
  const group = new aws.elasticache.UserGroup(
    `${name}-users`,
    { userGroupId: elasticacheId(args.idPrefix, "users"), engine: "redis", userIds: [defaultUser.userId] },
    { ...opts, ignoreChanges: ["userIds"] },
  );
  const generation = args.platformUserGeneration;
  const platformPassword = redisPassword(platformPasswordName(name, generation), generation, opts.parent);
  const previous =
    args.keepPreviousPlatformPassword && generation > 1
      ? [redisPassword(platformPasswordName(name, generation - 1), generation - 1, opts.parent)]
      : [];
  const platformUser = user("platform-user", "platform", PLATFORM_ACCESS_STRING, platformPassword, previous);
  const membership = new aws.elasticache.UserGroupAssociation(
    `${name}-platform-user-membership`,
    { userGroupId: group.userGroupId, userId: platformUser.userId },
    opts,
  );
  return { group, defaultUser, platformUser, platformPassword, membership };
}
