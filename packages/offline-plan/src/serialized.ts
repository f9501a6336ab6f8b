/** What a secret value becomes in every file the plan writes. */
export const REDACTED = "[secret]";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SIG = {
  secret: "1b47061264138c4ac30d75fd1eb44270",
  resourceReference: "5cf8f73096256a8f31e491e813e4eb8e",
  outputValue: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
  asset: "c44067f5952c0a294b673a41bacd8c17",
  archive: "0def7320c3a5731c473e5ecbe6d01bc7",
};
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

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
