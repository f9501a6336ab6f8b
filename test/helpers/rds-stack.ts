/**
 * A rendered stack applied to an RDS-faithful PostgreSQL (postgres-rds.ts) the way the postgresql provider applies
 * it (postgres-sql.ts), and the environment its jobs' containers would get: plain values as rendered, Secret
 * references resolved from the rendered Secrets (revealed), the endpoint pointed at the test server. So a test runs
 * a job's script as exactly the role the job's Secret names.
 */
import type { PostgresServer } from "./postgres";
import { startRdsPostgres } from "./postgres-rds";
import { PostgresProviderEmulator } from "./postgres-sql";
import { Finders, RenderedStack, renderStack } from "./render";
import type { RecordedResource } from "@platform/offline-plan";

export interface AppliedStack {
  server: PostgresServer;
  stack: RenderedStack;
  emulator: PostgresProviderEmulator;
  /** The login of a role resource (`tenant-acme-role`, `platform-db-ops-role`) as the plan generated it. */
  loginOf(roleResource: string): { user: string; password: string };
  /**
   * The environment of a container of a rendered CronJob or Job (by object name), Secret references resolved, with
   * PGHOST/PGPORT pointing at the test server and PGSSLMODE=disable (the test server has no certificate).
   */
  containerEnv(jobName: string, container: string): Record<string, string>;
}

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type Container = { name: string; env?: Env[] };
type PodSpec = { containers: Container[]; initContainers?: Container[] };

function podSpecOf(finders: Finders, jobName: string): { namespace: string; spec: PodSpec } {
  const jobs = [...finders.ofType("kubernetes:batch/v1:CronJob"), ...finders.ofType("kubernetes:batch/v1:Job")];
  const job = jobs.find((j) => (j.revealedInputs as any).metadata.name === jobName);
  if (!job) throw new Error(`no CronJob or Job named ${jobName} rendered`);
  const inputs = job.revealedInputs as any;
  const spec = inputs.spec.jobTemplate ? inputs.spec.jobTemplate.spec.template.spec : inputs.spec.template.spec;
  return { namespace: inputs.metadata.namespace, spec };
}

/**
 * The environment of a container of a rendered CronJob or Job (by object name) in `stack`, Secret references
 * resolved from the stack's rendered Secrets (revealed), PGHOST/PGPORT pointing at `server` and PGSSLMODE=disable.
 */
export function jobEnvironment(
  stack: RenderedStack,
  server: PostgresServer,
  jobName: string,
  containerName: string,
): Record<string, string> {
  const secrets = stack.ofType("kubernetes:core/v1:Secret");
  const secretValue = (namespace: string, name: string, key: string) => {
    const secret = secrets.find(
      (s: RecordedResource) =>
        (s.revealedInputs as any).metadata.name === name && (s.revealedInputs as any).metadata.namespace === namespace,
    );
    const value = (secret?.revealedInputs as any)?.stringData?.[key];
    if (value === undefined) throw new Error(`no key ${key} in Secret ${namespace}/${name}`);
    return String(value);
  };
  const { namespace, spec } = podSpecOf(stack, jobName);
  const container = [...(spec.initContainers ?? []), ...spec.containers].find((c) => c.name === containerName);
  if (!container) throw new Error(`${jobName} has no container ${containerName}`);
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    env[e.name] = ref ? secretValue(namespace, ref.name, ref.key) : String(e.value ?? "");
  }
  if ("PGHOST" in env) Object.assign(env, { PGHOST: server.host, PGPORT: String(server.port), PGSSLMODE: "disable" });
  return env;
}

/** Renders `config`, starts an RDS-faithful server of `version` with the plan's master, applies the plan to it. */
export async function applyStackToRds(config: Record<string, unknown>, version: "15" | "16"): Promise<AppliedStack> {
  const stack = await renderStack(config, { stack: "it", revealSecrets: true });
  const admin = stack.find("pulumi:providers:postgresql", "platform-db-admin").revealedInputs!;
  const server = await startRdsPostgres({
    version,
    master: { user: String(admin.username), password: String(admin.password) },
  });
  try {
    const emulator = new PostgresProviderEmulator(stack.resources, (database, login) =>
      server.connect(database, login),
    );
    await emulator.apply();
    return {
      server,
      stack,
      emulator,
      loginOf: (resource) => {
        const inputs = stack.find("postgresql:index/role:Role", resource).revealedInputs!;
        return { user: String(inputs.name), password: String(inputs.password) };
      },
      containerEnv: (jobName, containerName) => jobEnvironment(stack, server, jobName, containerName),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
