import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";

/** A free-text reason as an AWS tag value: the characters tags allow, at most 256. */
export const tagValue = (text: string) =>
  text
    .replace(/[^\p{L}\p{N}\s+\-=._:/@]/gu, " ")
    .trim()
    .slice(0, 256);

export interface MaintenanceSnapshotArgs {
  /** The manual snapshot's identifier (`platform:maintenance.snapshot`), as it appears in the RDS console. */
  snapshotId: string;
  /** RDS identifier of the instance to snapshot (the active instance). */
  dbInstanceIdentifier: pulumi.Input<string>;
  /** Why maintenance is on (`platform:maintenance.reason`), as a tag. Defaults to none. */
  reason?: string;
  /** AWS provider of the stack's region. */
  provider: aws.Provider;
}

/**
 * The "snapshot" of the runbooks' pause → snapshot → edit → resume: a manual RDS snapshot taken while maintenance is
 * on. It is retained (`retainOnDelete`), so turning maintenance off drops it from the stack but never deletes it;
 * the caller makes it depend on the paused workloads so nothing writes while it is taken.
 */
export class MaintenanceSnapshot extends pulumi.ComponentResource {
  readonly snapshotArn: pulumi.Output<string>;

  constructor(name: string, args: MaintenanceSnapshotArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:operations:MaintenanceSnapshot", name, {}, opts);
    const snapshot = new aws.rds.Snapshot(
      `${name}-${args.snapshotId}`,
      {
        dbInstanceIdentifier: args.dbInstanceIdentifier,
        dbSnapshotIdentifier: args.snapshotId,
        tags: {
          "platform:purpose": "maintenance",
          ...(args.reason ? { "platform:reason": tagValue(args.reason) } : {}),
        },
      },
      { parent: this, provider: args.provider, retainOnDelete: true },
    );
    this.snapshotArn = snapshot.dbSnapshotArn;
    this.registerOutputs({ snapshotArn: this.snapshotArn });
  }
}
