// Safety: stateful resources survive mistakes, and credentials never sit in plain text.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isDocumentedDeletion, rolesBeingDeleted } from "./tenant-deletion";
import { isRetiredMoveHome } from "./tenant-move";
import {
  ENVIRONMENT_CONFIG,
  Props,
  SECRET_PLACEHOLDER,
  UNKNOWN_PLACEHOLDER,
  containersOf,
  describeObject,
  isOfflineRecording,
  isProduction,
  isRetiring,
  podSpecOf,
} from "./util";

/** Resource types that hold data a deletion would lose, with how messages name them. */
export const STATEFUL_TYPES: Record<string, string> = {
  "aws:rds/instance:Instance": "RDS instance",
  "aws:s3/bucket:Bucket": "S3 bucket",
  "aws:s3/bucketV2:BucketV2": "S3 bucket",
  "aws:kms/key:Key": "KMS key",
  "postgresql:index/database:Database": "PostgreSQL database",
  "postgresql:index/schema:Schema": "PostgreSQL schema",
  "postgresql:index/role:Role": "PostgreSQL role",
};

export const statefulResourcesProtected: StackValidationPolicy = {
  name: "stateful-resources-protected",
  description:
    "In production, databases, buckets, KMS keys and tenant databases, schemas and roles are protected against deletion (but a retiring RDS instance, a tenant in the documented deletion state and the retired old home of a tenant's tier move).",
  configSchema: ENVIRONMENT_CONFIG,
  // A stack rule: whether a tenant's data may go unprotected depends on the tenant's other resources (its role, its
  // schemas, its namespace, a tier move's new home), which a resource rule does not see. The engine's analyzer sends
  // `protect` to both.
  validateStack: (args, report) => {
    if (!isProduction(args)) return;
    const deleting = rolesBeingDeleted(args.resources);
    for (const resource of args.resources) {
      const kind = STATEFUL_TYPES[resource.type];
      if (!kind) continue;
      // Only `protect` counts: the engine's analyzer never sends retainOnDelete (pulumi/pulumi
      // pkg/resource/plugin/analyzer_plugin.go marshalResourceOptions), so accepting it offline would pass what
      // `pulumi preview --policy-pack` blocks.
      if (resource.opts.protect === true) continue;
      // An RDS instance a reviewed change is retiring (platform:lifecycle = retiring) gives up protection on purpose.
      if (resource.type === "aws:rds/instance:Instance" && isRetiring(resource.props)) continue;
      // Step 1 of a tenant's two-step deletion (state: deleted) lifts protection so step 2 may drop the data.
      if (isDocumentedDeletion(resource, deleting)) continue;
      // A tier move's retire step lifts the old home's protection once its data is verified in the new home.
      if (isRetiredMoveHome(resource, args.resources)) continue;
      report(
        `${kind} "${resource.name}" is not protected in production: a config mistake or \`pulumi destroy\` would delete its data. Fix: create it with the resource option protect: true (retainOnDelete does not count: the policy analyzer of \`pulumi preview\` never sees it). A tenant's data goes unprotected only in the first step of its two-step deletion (state: deleted: login off, schemas dropCascade, namespace and Redis user removed) or as the retired old home of a tier move.`,
        resource.urn,
      );
    }
  },
};

/**
 * Names of environment variables and config keys that hold credentials: the credential word ends the name, and
 * PASSWORD/PASSWD may be glued to a prefix (libpq's PGPASSWORD, PostgreSQL docs "Environment Variables"); the
 * clients' own password variables count too (redis-cli's REDISCLI_AUTH, MySQL's MYSQL_PWD).
 */
export const CREDENTIAL_NAME =
  /((^|[_.-])(SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|SECRET_ACCESS_KEY)|PASSWORD|PASSWD|^REDISCLI_AUTH|^MYSQL_PWD)$/i;
/**
 * A URL with a password in it (`postgres://user:pass@host`), also with an empty user (`rediss://:pass@host`, the
 * form Redis clients use for AUTH with a password only): RFC 3986 userinfo = user [":" password] before "@".
 */
export const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

const looksLikeCredential = (name: string, value: unknown) =>
  typeof value === "string" &&
  value !== "" &&
  value !== UNKNOWN_PLACEHOLDER &&
  (CREDENTIAL_NAME.test(name) || URL_WITH_PASSWORD.test(value));

function plainSecretData(props: Props): string[] {
  const plain: string[] = [];
  for (const field of ["data", "stringData"]) {
    const values = props[field];
    if (values === undefined || values === SECRET_PLACEHOLDER || values === UNKNOWN_PLACEHOLDER) continue;
    for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      if (value !== SECRET_PLACEHOLDER && value !== UNKNOWN_PLACEHOLDER) plain.push(`${field}.${key}`);
    }
  }
  return plain;
}

export const kubernetesNoPlaintextCredentials: ResourceValidationPolicy = {
  name: "kubernetes-no-plaintext-credentials",
  description:
    "No container env value or ConfigMap holds a credential in plain text, and Secret values are Pulumi secrets.",
  validateResource: (args, report) => {
    const what = describeObject(args.type, args.props, args.name);
    for (const { container, label } of containersOf(podSpecOf(args.type, args.props))) {
      for (const env of (container.env ?? []) as Props[]) {
        if (looksLikeCredential(String(env.name), env.value)) {
          report(
            `${what} ${label} sets ${env.name} to a literal value that looks like a credential. Fix: put it in a Secret and read it with valueFrom.secretKeyRef (a literal is readable by anyone who can read the ${args.type.split(":").pop()}).`,
          );
        }
      }
    }
    if (args.type === "kubernetes:core/v1:ConfigMap") {
      for (const [key, value] of Object.entries((args.props.data ?? {}) as Record<string, unknown>)) {
        if (looksLikeCredential(key, value)) {
          report(
            `${what} holds ${key}, which looks like a credential. Fix: move it to a Secret built from a Pulumi secret, and mount or reference that instead.`,
          );
        }
      }
    }
    // Offline only: the engine's analyzer hands policies secret values already unwrapped.
    if (args.type === "kubernetes:core/v1:Secret" && isOfflineRecording(args.opts)) {
      const plain = plainSecretData(args.props);
      if (plain.length > 0) {
        report(
          `${what} has ${plain.join(", ")} in plain text in the program, so the Pulumi state and previews show it. Fix: wrap the value with pulumi.secret() or take it from a secret output (e.g. random.RandomPassword.result).`,
        );
      }
    }
  },
};

export const safetyPolicies = [statefulResourcesProtected, kubernetesNoPlaintextCredentials];
