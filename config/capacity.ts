/**
 * PostgreSQL connection capacity of RDS instance classes.
 *
 * RDS sets `max_connections` to LEAST(DBInstanceClassMemory / 9531392, 5000). DBInstanceClassMemory is the
 * instance memory less what the OS and RDS processes reserve; we take 90 % of the nominal memory, which matches
 * the figures AWS publishes to within a few connections.
 */
const MEMORY_GIB_PER_VCPU: Record<string, number> = { r: 8, x: 16, m: 4, c: 2 };
const BURSTABLE_MEMORY_GIB: Record<string, number> = {
  micro: 1,
  small: 2,
  medium: 4,
  large: 8,
  xlarge: 16,
  "2xlarge": 32,
};

/** Nominal memory of an RDS instance class in GiB, or undefined for a class this table does not know. */
export function instanceClassMemoryGib(instanceClass: string): number | undefined {
  const match = /^db\.([a-z]+)(\d+)[a-z]*\.(\w+)$/.exec(instanceClass);
  if (!match) return undefined;
  const [, family, , size] = match;
  if (family === "t") return BURSTABLE_MEMORY_GIB[size];
  const perVcpu = MEMORY_GIB_PER_VCPU[family[0]];
  if (perVcpu === undefined) return undefined;
  const vcpus =
    size === "large"
      ? 2
      : size === "xlarge"
        ? 4
        : /^(\d+)xlarge$/.test(size)
          ? 4 * Number(size.replace("xlarge", ""))
          : undefined;
  return vcpus === undefined ? undefined : vcpus * perVcpu;
}

/** RDS's default `max_connections` for an instance class, or undefined when the class is unknown. */
export function defaultMaxConnections(instanceClass: string): number | undefined {
  const gib = instanceClassMemoryGib(instanceClass);
  if (gib === undefined) return undefined;
  return Math.min(Math.floor((gib * 0.9 * 1024 ** 3) / 9531392), 5000);
}

/**
 * The `max_connections` the instance runs with: the parameter when config sets it, else `database.maxConnections`,
 * else RDS's default for the class; undefined when none is known.
 */
export function effectiveMaxConnections(database: {
  instanceClass: string;
  maxConnections?: number;
  parameters: Record<string, string | number>;
}): number | undefined {
  const fromParameter = database.parameters.max_connections;
  if (fromParameter !== undefined && Number.isFinite(Number(fromParameter))) return Number(fromParameter);
  return database.maxConnections ?? defaultMaxConnections(database.instanceClass);
}
