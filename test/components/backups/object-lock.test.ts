// Turning object lock on (or off) for the backup buckets must never replace them: they are protected, and the
// engine refuses to replace a protected resource. A Terraform-bridged resource is replaced when a ForceNew input
// changes, so the test compares exactly the ForceNew inputs of aws_s3_bucket, read from the provider's schema.
import { beforeAll, describe, expect, it } from "vitest";
import { Finders, renderStack } from "../../helpers/render";
import type { RenderResult } from "@platform/offline-plan";
import * as stacks from "../../fixtures/stacks";

type Obj = Record<string, any>;
const BUCKET = "aws:s3/bucket:Bucket";
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";

/**
 * The ForceNew arguments of aws_s3_bucket (hashicorp/terraform-provider-aws internal/service/s3/bucket.go,
 * ResourceBucket schema): `bucket` (Optional, Computed, ForceNew), `bucket_prefix` (Optional, ForceNew),
 * `object_lock_enabled` (Optional, Computed, ForceNew) and the deprecated
 * `object_lock_configuration.0.object_lock_enabled` (ForceNew), here by their Pulumi names.
 */
const BUCKET_FORCE_NEW = ["bucket", "bucketPrefix", "objectLockEnabled", "objectLockConfiguration"] as const;
const forceNewInputs = (inputs: Obj) => Object.fromEntries(BUCKET_FORCE_NEW.map((k) => [k, inputs[k]]));

describe("object lock on the backup buckets", () => {
  let unlocked: RenderResult & Finders;
  let locked: RenderResult & Finders;
  beforeAll(async () => {
    const config = stacks.production() as Obj;
    config["platform:backups"].objectLock = { mode: "GOVERNANCE", days: 14 };
    [unlocked, locked] = await Promise.all([
      renderStack(stacks.production(), { stack: "prod" }),
      renderStack(config, { stack: "prod" }),
    ]);
  });

  it("toggling it changes no ForceNew input of either protected bucket", () => {
    for (const name of ["backups-bucket", "backups-replica-bucket"]) {
      const before = unlocked.find(BUCKET, name);
      const after = locked.find(BUCKET, name);
      expect(before.protect && after.protect, name).toBe(true);
      expect(forceNewInputs(after.inputs as Obj), name).toEqual(forceNewInputs(before.inputs as Obj));
      // Computed, so leaving it out keeps whatever S3 reports: never a diff, never a replacement.
      expect(after.inputs as Obj, name).not.toHaveProperty("objectLockEnabled");
    }
  });

  it("is enabled by a BucketObjectLockConfiguration per bucket, after versioning (S3 requires a versioned bucket)", () => {
    expect(unlocked.ofType(LOCK)).toEqual([]);
    for (const prefix of ["backups", "backups-replica"]) {
      const lock = locked.find(LOCK, `${prefix}-object-lock`);
      expect((lock.inputs as Obj).objectLockEnabled).toBe("Enabled");
      expect((lock.inputs as Obj).rule.defaultRetention).toEqual({ mode: "GOVERNANCE", days: 14 });
      expect(lock.dependsOn).toContain(locked.find(VERSIONING, `${prefix}-versioning`).urn);
    }
  });
});
