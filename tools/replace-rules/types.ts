// The resource types the program registers, each with the upstream source that decides its replacements. A test
// (test/plan/preview-rules.test.ts) fails when a plan holds a type this table (through replace-rules.json) lacks.

export interface TfType {
  /** Pulumi type token. */
  token: string;
  /** Terraform resource name. */
  tf: string;
  /** Go file holding the schema, relative to the provider repository. */
  file: string;
  /** The schema function's signature, when it is not the one annotated `@SDKResource/@FrameworkResource("tf")`. */
  schemaFunction?: RegExp;
  /** Terraform names the SDK renames (the bridge's Fields overrides). */
  renames?: Record<string, string>;
  /** ForceNew top-level fields the SDK class exposes as outputs only. */
  outputOnly?: string[];
}

const aws = (token: string, tf: string, file: string, extra: Partial<TfType> = {}): TfType => ({
  token,
  tf,
  file: `internal/service/${file}`,
  ...extra,
});

/** AWS types, with the file each is declared in (`@SDKResource("…")` / `@FrameworkResource`). */
export const AWS_TYPES: TfType[] = [
  aws("aws:cloudwatch/metricAlarm:MetricAlarm", "aws_cloudwatch_metric_alarm", "cloudwatch/metric_alarm.go", {
    renames: { alarm_name: "name" },
  }),
  aws("aws:ec2/securityGroup:SecurityGroup", "aws_security_group", "ec2/vpc_security_group.go"),
  aws(
    "aws:elasticache/parameterGroup:ParameterGroup",
    "aws_elasticache_parameter_group",
    "elasticache/parameter_group.go",
  ),
  aws(
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws_elasticache_replication_group",
    "elasticache/replication_group.go",
  ),
  aws("aws:elasticache/subnetGroup:SubnetGroup", "aws_elasticache_subnet_group", "elasticache/subnet_group.go"),
  aws("aws:elasticache/user:User", "aws_elasticache_user", "elasticache/user.go"),
  aws("aws:elasticache/userGroup:UserGroup", "aws_elasticache_user_group", "elasticache/user_group.go"),
  aws(
    "aws:elasticache/userGroupAssociation:UserGroupAssociation",
    "aws_elasticache_user_group_association",
    "elasticache/user_group_association.go",
  ),
  aws("aws:iam/role:Role", "aws_iam_role", "iam/role.go"),
  aws("aws:iam/rolePolicy:RolePolicy", "aws_iam_role_policy", "iam/role_policy.go"),
  aws(
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws_iam_role_policy_attachment",
    "iam/role_policy_attachment.go",
  ),
  aws("aws:kms/alias:Alias", "aws_kms_alias", "kms/alias.go"),
  aws("aws:kms/key:Key", "aws_kms_key", "kms/key.go"),
  aws("aws:rds/eventSubscription:EventSubscription", "aws_db_event_subscription", "rds/event_subscription.go"),
  aws("aws:rds/instance:Instance", "aws_db_instance", "rds/instance.go"),
  aws(
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    "aws_db_instance_automated_backups_replication",
    "rds/instance_automated_backups_replication.go",
  ),
  aws("aws:rds/parameterGroup:ParameterGroup", "aws_db_parameter_group", "rds/parameter_group.go"),
  aws("aws:rds/snapshot:Snapshot", "aws_db_snapshot", "rds/snapshot.go"),
  aws("aws:rds/subnetGroup:SubnetGroup", "aws_db_subnet_group", "rds/subnet_group.go"),
  aws("aws:s3/bucket:Bucket", "aws_s3_bucket", "s3/bucket.go"),
  aws(
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws_s3_bucket_lifecycle_configuration",
    "s3/bucket_lifecycle_configuration.go",
  ),
  aws(
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws_s3_bucket_object_lock_configuration",
    "s3/bucket_object_lock_configuration.go",
  ),
  aws(
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws_s3_bucket_ownership_controls",
    "s3/bucket_ownership_controls.go",
  ),
  aws("aws:s3/bucketPolicy:BucketPolicy", "aws_s3_bucket_policy", "s3/bucket_policy.go"),
  aws(
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws_s3_bucket_public_access_block",
    "s3/bucket_public_access_block.go",
  ),
  aws(
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "aws_s3_bucket_replication_configuration",
    "s3/bucket_replication_configuration.go",
  ),
  aws(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws_s3_bucket_server_side_encryption_configuration",
    "s3/bucket_server_side_encryption_configuration.go",
  ),
  aws("aws:s3/bucketVersioning:BucketVersioning", "aws_s3_bucket_versioning", "s3/bucket_versioning.go"),
  aws("aws:secretsmanager/secret:Secret", "aws_secretsmanager_secret", "secretsmanager/secret.go"),
  aws(
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws_secretsmanager_secret_version",
    "secretsmanager/secret_version.go",
  ),
  // The schema is the package variable topicSchema (`Schema: topicSchema`).
  aws("aws:sns/topic:Topic", "aws_sns_topic", "sns/topic.go", {
    schemaFunction: /topicSchema = map\[string\]\*schema\.Schema\{/,
  }),
  aws(
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws_vpc_security_group_ingress_rule",
    "ec2/vpc_security_group_ingress_rule.go",
    // The ingress and egress rule resources share one schema method.
    { schemaFunction: /func \(r \*securityGroupRuleResource\) Schema\(/ },
  ),
];

const pg = (token: string, tf: string, fn: string): TfType => ({
  token,
  tf,
  file: `postgresql/${tf.replace(/^postgresql_/, "resource_postgresql_")}.go`,
  schemaFunction: new RegExp(`func ${fn}\\(`),
});

export const POSTGRESQL_TYPES: TfType[] = [
  pg("postgresql:index/database:Database", "postgresql_database", "resourcePostgreSQLDatabase"),
  pg("postgresql:index/grant:Grant", "postgresql_grant", "resourcePostgreSQLGrant"),
  pg("postgresql:index/grantRole:GrantRole", "postgresql_grant_role", "resourcePostgreSQLGrantRole"),
  pg("postgresql:index/role:Role", "postgresql_role", "resourcePostgreSQLRole"),
  pg("postgresql:index/schema:Schema", "postgresql_schema", "resourcePostgreSQLSchema"),
];

export const RANDOM_TYPES: TfType[] = [
  {
    token: "random:index/randomPassword:RandomPassword",
    tf: "random_password",
    file: "internal/provider/resource_password.go",
    // Schema() returns passwordSchemaV3() (the current schema version).
    schemaFunction: /func passwordSchemaV3\(/,
  },
];

export const KUBERNETES_DIFF = {
  file: "provider/pkg/provider/diff.go",
  providerFile: "provider/pkg/provider/provider.go",
};

/**
 * Kubernetes kinds and their forceNew properties beyond `.metadata.name`/`.metadata.namespace` (diff.go `forceNew`;
 * a group/version/kind absent there, like policy/v1 PodDisruptionBudget or any custom resource, has none).
 * Secret and ConfigMap data are handled by the mutability rule (diff.go forceNewProperties) in the classifier.
 */
export const KUBERNETES_TYPES: Record<string, string[]> = {
  "kubernetes:apps/v1:Deployment": ["spec.selector"],
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": [],
  "kubernetes:batch/v1:CronJob": [],
  "kubernetes:batch/v1:Job": ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
  "kubernetes:core/v1:ConfigMap": [],
  "kubernetes:core/v1:LimitRange": [],
  "kubernetes:core/v1:Namespace": [],
  "kubernetes:core/v1:ResourceQuota": ["spec.scopes"],
  "kubernetes:core/v1:Secret": ["type"],
  "kubernetes:core/v1:Service": ["spec.clusterIP"],
  "kubernetes:core/v1:ServiceAccount": [],
  "kubernetes:monitoring.coreos.com/v1:PodMonitor": [],
  "kubernetes:monitoring.coreos.com/v1:Probe": [],
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule": [],
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": [],
  "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig": [],
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": [],
  "kubernetes:policy/v1:PodDisruptionBudget": [],
};

export const SOURCE_NOTES = {
  aws:
    "@pulumi/aws 7.48.0 bridges terraform-provider-aws 6.x through pulumi/pulumi-aws's upstream submodule (v6.66.0 by " +
    "pulumi-proserv/pulumi-tool-import's version catalog; pulumi/pulumi-aws PR #6392 took it to v6.46.0 on 2026-05-22). " +
    "No 6.x snapshot is reachable here: the upstream repository (932 MB) and its 6.x forks (zongruxie4 at 6.40.1, " +
    "niralpokalibm) are over the 500 MB fetch size, and the file index holds each file at scattered commits, not at a " +
    "release. So these rules come from the newest whole snapshot, main at this commit (5.46.0 unreleased), read from " +
    "the fork nuno407/terraform-provider-aws. Regenerate against the bridged tag when it can be fetched.",
  postgresql:
    "The commit pulumi/pulumi-postgresql v3.18.0 and main pin as their upstream submodule (@pulumi/postgresql 3.18.1).",
  random: "v3.9.0, the commit pulumi/pulumi-random's provider/go.mod requires (@pulumi/random 4.21.x).",
  kubernetes: "main after v4.32.0 (@pulumi/kubernetes 4.34.2 is newer than the snapshot's last tag).",
};
