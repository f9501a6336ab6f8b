// The exporters of the data tier: postgres_exporter with its own least-privilege PostgreSQL login (pg_monitor) and
// redis_exporter with its own ElastiCache user over TLS, each a hardened Deployment, a Service and a ServiceMonitor.
import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import * as random from "@pulumi/random";
import * as aws from "../sdk/aws";
import * as k8s from "../sdk/kubernetes";
import { standardLabels } from "../kubernetes/labels";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../kubernetes/pod-security";
import { elasticacheId } from "../redis/users";
import type { input as Input } from "@pulumi/kubernetes/types";

/** UID the postgres_exporter image runs as (`USER nobody` in its Dockerfile: 65534 in quay.io/prometheus/busybox). */
const POSTGRES_EXPORTER_UID = 65534;
/** UID the redis_exporter image runs as (`USER 59000:59000`, oliver006/redis_exporter Dockerfile). */
const REDIS_EXPORTER_UID = 59000;

/**
 * ElastiCache access string of the exporter: the commands redis_exporter issues (its README "Authenticating with
 * Redis": INFO, LATENCY, SLOWLOG, CLIENT, PING …), no key or channel access and no CONFIG (`--config-command=-`).
 */
export const REDIS_EXPORTER_ACCESS_STRING = "on -@all +@connection +info +latency +slowlog +client";

interface ExporterShape {
  /** Object names, labels and selector. */
  name: string;
  namespace: pulumi.Input<string>;
  image: string;
  port: number;
  runAsUser: number;
  args?: string[];
  env: Input.core.v1.EnvVar[];
  labels: Record<string, string>;
}

/** A single-replica exporter Deployment: restricted pod security, probes on its metrics port, small requests. */
export function exporterDeploymentSpec(e: ExporterShape): Input.apps.v1.DeploymentSpec {
  const selector = { "app.kubernetes.io/name": e.name, "app.kubernetes.io/instance": e.name };
  const probe = { httpGet: { path: "/", port: "metrics" }, periodSeconds: 10, timeoutSeconds: 5 };
  return {
    replicas: 1,
    selector: { matchLabels: selector },
    template: {
      metadata: { labels: { ...e.labels, ...selector } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurityContext(e.runAsUser),
        containers: [
          {
            name: "exporter",
            image: e.image,
            ...(e.args ? { args: e.args } : {}),
            ports: [{ name: "metrics", containerPort: e.port }],
            env: e.env,
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
            readinessProbe: probe,
            livenessProbe: { ...probe, failureThreshold: 6 },
            securityContext: restrictedContainerSecurityContext(),
          },
        ],
      },
    },
  };
}

function exporterObjects(
  component: pulumi.ComponentResource,
  role: string,
  e: ExporterShape,
  selectorLabels: Record<string, string>,
  opts: { parent: pulumi.Resource; provider: k8s.Provider; dependsOn?: pulumi.Resource[] },
) {
  const metadata = { name: e.name, namespace: e.namespace, labels: e.labels };
  new k8s.apps.v1.Deployment(`${role}-deployment`, { metadata, spec: exporterDeploymentSpec(e) }, opts);
  // A single replica may be evicted by a drain (a scrape gap, not an outage); the PDB states that explicitly.
  new k8s.policy.v1.PodDisruptionBudget(
    `${role}-pdb`,
    {
      metadata,
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: { "app.kubernetes.io/name": e.name, "app.kubernetes.io/instance": e.name } },
      },
    },
    opts,
  );
  new k8s.core.v1.Service(
    `${role}-service`,
    {
      metadata,
      spec: {
        selector: { "app.kubernetes.io/name": e.name, "app.kubernetes.io/instance": e.name },
        ports: [{ name: "metrics", port: e.port, targetPort: "metrics" }],
      },
    },
    opts,
  );
  new k8s.apiextensions.CustomResource(
    `${role}-monitor`,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: { ...metadata, labels: { ...e.labels, ...selectorLabels } },
      spec: {
        selector: { matchLabels: { "app.kubernetes.io/name": e.name, "app.kubernetes.io/instance": e.name } },
        endpoints: [{ port: "metrics", interval: "30s", relabelings: [{ targetLabel: "job", replacement: e.name }] }],
      },
    },
    opts,
  );
  void component;
}

export interface DataExportersArgs {
  /** Namespace of the exporters (the platform namespace: it reaches the data tier). */
  namespace: pulumi.Input<string>;
  /** Labels the operator selects ServiceMonitors by (`release: <platform:monitoring.release>`). */
  selectorLabels: Record<string, string>;
  /** postgres_exporter: image, role name; undefined to deploy none. */
  postgres?: {
    image: string;
    roleName: string;
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    /** Database the exporter connects to (the application database). */
    database: pulumi.Input<string>;
    /** PostgreSQL admin provider (RDS master) that creates the exporter's role. */
    provider: postgresql.Provider;
  };
  /** redis_exporter: image, endpoint, user group; undefined to deploy none. */
  redis?: {
    image: string;
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    userGroupId: pulumi.Input<string>;
    /** Account-unique prefix of ElastiCache user ids (`platform:redis` user ids carry the stack). */
    userIdPrefix: string;
    /** AWS provider of the replication group's region. */
    provider: aws.Provider;
    /**
     * The last modifier of the user group before the exporter's membership (the tail of the membership chain:
     * `components/tenant/redis.ts`, `tenantRedisUser`). Defaults to none.
     */
    membershipAfter?: pulumi.Resource[];
  };
  /**
   * Protect the exporter's PostgreSQL role (production: the policy pack protects every role; removing the exporter
   * then takes `pulumi state unprotect`). Defaults to false.
   */
  protect?: boolean;
  /** Kubernetes provider. */
  provider: k8s.Provider;
}

/**
 * postgres_exporter and redis_exporter for the stack's data tier, each with credentials of its own: a PostgreSQL
 * role that may only log in and read statistics (member of `pg_monitor`, postgres_exporter README "Running as
 * non-superuser"), and an ElastiCache user limited to the commands redis_exporter issues, connecting over TLS
 * (`rediss://`, the replication group requires transit encryption). Passwords are generated and stay secret.
 */
export class DataExporters extends pulumi.ComponentResource {
  constructor(name: string, args: DataExportersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:monitoring:DataExporters", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = (component: string) => standardLabels({ name: component, instance: name, component: "exporter" });

    if (args.postgres) {
      const pg = args.postgres;
      const password = new random.RandomPassword(
        `${name}-postgres-password`,
        { length: 32, special: false },
        { parent: this },
      );
      // pg_monitor is granted by the GrantRole below; the provider reads a role's memberships back into `roles`, so
      // the Role ignores that attribute or the two fight over it (cyrilgdn/terraform-provider-postgresql,
      // website/docs/r/postgresql_grant_role.html.markdown).
      const role = new postgresql.Role(
        `${name}-postgres-role`,
        { name: pg.roleName, login: true, password: password.result, connectionLimit: 3 },
        { parent: this, provider: pg.provider, protect: args.protect ?? false, ignoreChanges: ["roles"] },
      );
      const grant = new postgresql.GrantRole(
        `${name}-postgres-pg-monitor`,
        { role: role.name, grantRole: "pg_monitor" },
        { parent: this, provider: pg.provider },
      );
      const secret = new k8s.core.v1.Secret(
        `${name}-postgres-credentials`,
        {
          metadata: {
            name: "postgres-exporter-credentials",
            namespace: args.namespace,
            labels: labels("postgres-exporter"),
          },
          type: "Opaque",
          stringData: { username: role.name, password: pulumi.secret(password.result) },
        },
        { ...k8sOpts, additionalSecretOutputs: ["data", "stringData"] },
      );
      const fromSecret = (key: string) => ({ secretKeyRef: { name: secret.metadata.name, key } });
      exporterObjects(
        this,
        `${name}-postgres`,
        {
          name: "postgres-exporter",
          namespace: args.namespace,
          image: pg.image,
          port: 9187,
          runAsUser: POSTGRES_EXPORTER_UID,
          env: [
            // DATA_SOURCE_URI/USER/PASS (postgres_exporter README "Environment Variables"); TLS required by RDS.
            {
              name: "DATA_SOURCE_URI",
              value: pulumi.interpolate`${pg.host}:${pg.port}/${pg.database}?sslmode=require`,
            },
            { name: "DATA_SOURCE_USER", valueFrom: fromSecret("username") },
            { name: "DATA_SOURCE_PASS", valueFrom: fromSecret("password") },
          ],
          labels: labels("postgres-exporter"),
        },
        args.selectorLabels,
        { ...k8sOpts, dependsOn: [grant] },
      );
    }

    if (args.redis) {
      const r = args.redis;
      const password = new random.RandomPassword(
        `${name}-redis-password`,
        { length: 32, special: false },
        { parent: this },
      );
      const user = new aws.elasticache.User(
        `${name}-redis-user`,
        {
          userId: elasticacheId(r.userIdPrefix, "exporter"),
          userName: "redis-exporter",
          engine: "redis",
          accessString: REDIS_EXPORTER_ACCESS_STRING,
          noPasswordRequired: false,
          authenticationMode: { type: "password", passwords: [pulumi.secret(password.result)] },
        },
        { parent: this, provider: r.provider },
      );
      // One ModifyUserGroup at a time: the membership joins the end of the chain of the group's modifiers
      // (ElastiCache refuses concurrent ones with InvalidUserGroupStateFault; components/tenant/redis.ts).
      const membership = new aws.elasticache.UserGroupAssociation(
        `${name}-redis-user-membership`,
        { userGroupId: r.userGroupId, userId: user.userId },
        { parent: this, provider: r.provider, dependsOn: r.membershipAfter ?? [] },
      );
      const secret = new k8s.core.v1.Secret(
        `${name}-redis-credentials`,
        {
          metadata: { name: "redis-exporter-credentials", namespace: args.namespace, labels: labels("redis-exporter") },
          type: "Opaque",
          stringData: { username: user.userName, password: pulumi.secret(password.result) },
        },
        { ...k8sOpts, additionalSecretOutputs: ["data", "stringData"] },
      );
      const fromSecret = (key: string) => ({ secretKeyRef: { name: secret.metadata.name, key } });
      exporterObjects(
        this,
        `${name}-redis`,
        {
          name: "redis-exporter",
          namespace: args.namespace,
          image: r.image,
          port: 9121,
          runAsUser: REDIS_EXPORTER_UID,
          env: [
            // redis_exporter README "Command line flags": REDIS_ADDR with rediss:// for TLS (the image ships the CA
            // bundle), REDIS_USER / REDIS_PASSWORD for the ACL user, REDIS_EXPORTER_CONFIG_COMMAND "-" skips the
            // CONFIG command ElastiCache refuses (maxclients comes from INFO).
            { name: "REDIS_ADDR", value: pulumi.interpolate`rediss://${r.host}:${r.port}` },
            { name: "REDIS_USER", valueFrom: fromSecret("username") },
            { name: "REDIS_PASSWORD", valueFrom: fromSecret("password") },
            { name: "REDIS_EXPORTER_CONFIG_COMMAND", value: "-" },
          ],
          labels: labels("redis-exporter"),
        },
        args.selectorLabels,
        { ...k8sOpts, dependsOn: [membership] },
      );
    }
    this.registerOutputs({});
  }
}
