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

const child = (path: string, key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * Turns Pulumi's wire form of property values into plain JSON: secrets become "[secret]" (their paths collected
 * in `secretPaths`) unless `reveal` is set, resource references become their URN, unknowns "[unknown]".
 */
export function normalizeValue(value: unknown, path: string, secretPaths: string[], reveal = false): unknown {
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map((item, i) => normalizeValue(item, child(path, i), secretPaths, reveal));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  switch (record[SIG_KEY]) {
    case SIG.secret:
      secretPaths.push(path);
      return reveal ? normalizeValue(record.value, path, [], reveal) : redactLeaves(normalizeValue(record.value, path, [], true));
    case SIG.resourceReference:
      return record.urn;
    case SIG.outputValue:
      if (record.secret) {
        secretPaths.push(path);
        if (!reveal) return "value" in record ? redactLeaves(normalizeValue(record.value, path, [], true)) : REDACTED;
      }
      return "value" in record ? normalizeValue(record.value, path, secretPaths, reveal) : "[unknown]";
    case SIG.asset:
    case SIG.archive:
      return { asset: record.path ?? record.uri ?? "[inline]" };
    default:
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, normalizeValue(v, child(path, k), secretPaths, reveal)]));
  }
}

/**
 * A secret object keeps its shape (keys are names, not secrets) with every leaf value replaced, so redacted
 * manifests still validate against their schema (a Secret's `stringData` stays a mapping).
 */
function redactLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactLeaves);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactLeaves(v)]));
  return REDACTED;
}
