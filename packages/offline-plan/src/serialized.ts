// Pulumi's wire form of property values (what the engine and the program exchange) turned into plain JSON for the
// plan's files, secrets redacted. The signatures are the SDK's own exported constants (@pulumi/pulumi/runtime/rpc,
// the same module that serializes them), so they cannot drift from the SDK the program runs with.
import {
  specialArchiveSig,
  specialAssetSig,
  specialOutputValueSig,
  specialResourceSig,
  specialSecretSig,
  specialSigKey as SIG_KEY,
  unknownValue as UNKNOWN,
} from "@pulumi/pulumi/runtime/rpc";

/** What a secret value becomes in every file the plan writes. */
export const REDACTED = "[secret]";

const SIG = {
  secret: specialSecretSig,
  resourceReference: specialResourceSig,
  outputValue: specialOutputValueSig,
  asset: specialAssetSig,
  archive: specialArchiveSig,
};

/** Whether a wire-form value is a secret (`{ <sig>: <secret sig>, value }`). */
export const isWireSecret = (value: unknown) =>
  (value as Record<string, unknown> | undefined)?.[SIG_KEY] === SIG.secret;

/** A value in the wire form of a secret, as the engine returns one. */
export const wireSecret = (value: unknown) => ({ [SIG_KEY]: SIG.secret, value });

const child = (path: string, key: string | number) =>
  typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;

const isPlainMap = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !(SIG_KEY in (value as object));

/**
 * A secret as the plan shows it: "[secret]", except that a secret mapping (a Kubernetes Secret's `stringData`) keeps
 * its keys and redacts each value, so reviewers see which keys it holds and the manifest stays schema-valid.
 */
function redactSecret(value: unknown, path: string, secretPaths: string[]): unknown {
  if (!isPlainMap(value) || Object.keys(value).length === 0) {
    secretPaths.push(path);
    return REDACTED;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecret(v, child(path, k), secretPaths)]));
}

/**
 * Turns Pulumi's wire form of property values into plain JSON: secrets become "[secret]" (their paths collected
 * in `secretPaths`) unless `reveal` is set, resource references become their URN, unknowns "[unknown]".
 */
export function normalizeValue(value: unknown, path: string, secretPaths: string[], reveal = false): unknown {
  if (value === UNKNOWN) return "[unknown]";
  // Scalars are copied as they are: the child path is only built for values that may hold a secret.
  const next = (item: unknown, key: string | number) =>
    item === null || typeof item !== "object"
      ? item === UNKNOWN
        ? "[unknown]"
        : item
      : normalizeValue(item, child(path, key), secretPaths, reveal);
  if (Array.isArray(value)) return value.map(next);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  switch (record[SIG_KEY]) {
    case SIG.secret:
      if (reveal) {
        secretPaths.push(path);
        return normalizeValue(record.value, path, [], reveal);
      }
      return redactSecret(record.value, path, secretPaths);
    case SIG.resourceReference:
      return record.urn;
    case SIG.outputValue:
      if (record.secret) {
        secretPaths.push(path);
        if (!reveal) return REDACTED;
      }
      return "value" in record ? normalizeValue(record.value, path, secretPaths, reveal) : "[unknown]";
    case SIG.asset:
    case SIG.archive:
      return { asset: record.path ?? record.uri ?? "[inline]" };
    default: {
      const result: Record<string, unknown> = {};
      for (const key in record) result[key] = next(record[key], key);
      return result;
    }
  }
}
