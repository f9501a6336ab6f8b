// What the mock runtime answers in place of the providers: realistic computed outputs (ids, ARNs, endpoints) for the
// resource types whose outputs programs build on, deterministic "generated" values, StackReference outputs, and
// data-source calls that fail unless mocked. Callers add types and data sources of their own (MockContext).
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";

const hex = (seed: string, length: number) => createHash("sha256").update(seed).digest("hex").slice(0, length);

type Props = Record<string, unknown>;
/** The id and computed outputs a provider would return for a resource of one type (merged over its inputs). */
export type ComputedOutputs = (name: string, inputs: Props, region: string) => { id: string; outputs: Props };
/** The result of a data-source call (`invoke`), from its arguments. */
export type CallMock = (args: Props, region: string) => Props;
type Computed = ComputedOutputs;

const arn = (service: string, region: string, resource: string) =>
  `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;

/** Parameter and subnet groups: autonamed `name` (the id) and an ARN `<kind>:<name>`. */
const namedGroup =
  (service: string, kind: string): Computed =>
  (name, inputs, region) => {
    const id = String(inputs.name ?? `${name}-${hex(name, 7)}`);
    return { id, outputs: { name: id, arn: arn(service, region, `${kind}:${id}`) } };
  };

/**
 * Realistic computed outputs for the resource types the program reads back (ids, ARNs, endpoints), so code that
 * builds connection strings, policies or alarms from them renders what the real providers would produce.
 */
const COMPUTED: Record<string, Computed> = {
  "aws:kms/key:Key": (name, _i, region) => {
    const keyId = `${hex(name, 8)}-${hex(name + 1, 4)}-${hex(name + 2, 4)}-${hex(name + 3, 4)}-${hex(name + 4, 12)}`;
    return { id: keyId, outputs: { keyId, arn: arn("kms", region, `key/${keyId}`) } };
  },
  "aws:kms/alias:Alias": (name, inputs, region) => ({
    id: String(inputs.name ?? `alias/${name}`),
    outputs: { arn: arn("kms", region, String(inputs.name ?? `alias/${name}`)) },
  }),
  "aws:rds/instance:Instance": (name, inputs, region) => {
    const identifier = String(inputs.identifier ?? `${name}-${hex(name, 7)}`);
    const address = `${identifier}.c${hex(name, 10)}.${region}.rds.amazonaws.com`;
    return {
      id: identifier,
      outputs: {
        identifier,
        address,
        endpoint: `${address}:5432`,
        port: 5432,
        arn: arn("rds", region, `db:${identifier}`),
        resourceId: `db-${hex(name, 26).toUpperCase()}`,
        hostedZoneId: "Z2R2ITUGPM61AM",
      },
    };
  },
  "aws:rds/snapshot:Snapshot": (name, inputs, region) => {
    const id = String(inputs.dbSnapshotIdentifier ?? name);
    return { id, outputs: { dbSnapshotArn: arn("rds", region, `snapshot:${id}`), status: "available" } };
  },
  "aws:rds/parameterGroup:ParameterGroup": namedGroup("rds", "pg"),
  "aws:rds/subnetGroup:SubnetGroup": namedGroup("rds", "subgrp"),
  "aws:elasticache/parameterGroup:ParameterGroup": namedGroup("elasticache", "parametergroup"),
  "aws:elasticache/subnetGroup:SubnetGroup": namedGroup("elasticache", "subnetgroup"),
  "aws:elasticache/replicationGroup:ReplicationGroup": (name, inputs, region) => {
    const id = String(inputs.replicationGroupId ?? `${name}-${hex(name, 6)}`);
    const zone = `${hex(name, 6)}.${region.replace(/-(\w)\w+-(\d)$/, "$1$2")}.cache.amazonaws.com`;
    return {
      id,
      outputs: {
        replicationGroupId: id,
        primaryEndpointAddress: `master.${id}.${zone}`,
        readerEndpointAddress: `replica.${id}.${zone}`,
        port: inputs.port ?? 6379,
        arn: arn("elasticache", region, `replicationgroup:${id}`),
        memberClusters: [`${id}-001`, `${id}-002`],
      },
    };
  },
  "aws:s3/bucket:Bucket": (name, inputs) => {
    const bucket = String(inputs.bucket ?? `${name}-${hex(name, 8)}`);
    return {
      id: bucket,
      outputs: {
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketRegionalDomainName: `${bucket}.s3.amazonaws.com`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
      },
    };
  },
  "aws:iam/role:Role": (name, inputs) => {
    const roleName = String(inputs.name ?? `${name}-${hex(name, 7)}`);
    return {
      id: roleName,
      outputs: {
        name: roleName,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${roleName}`,
        uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
      },
    };
  },
  "aws:iam/policy:Policy": (name, inputs) => {
    const policyName = String(inputs.name ?? `${name}-${hex(name, 7)}`);
    const policyArn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${policyName}`;
    return { id: policyArn, outputs: { name: policyName, arn: policyArn } };
  },
  "aws:sns/topic:Topic": (name, inputs, region) => {
    const topicName = String(inputs.name ?? `${name}-${hex(name, 7)}`);
    const topicArn = arn("sns", region, topicName);
    return { id: topicArn, outputs: { name: topicName, arn: topicArn } };
  },
  "aws:ec2/securityGroup:SecurityGroup": (name, _i, region) => {
    const id = `sg-${hex(name, 17)}`;
    return { id, outputs: { arn: arn("ec2", region, `security-group/${id}`) } };
  },
  "aws:secretsmanager/secret:Secret": (name, _i, region) => {
    const secretArn = arn("secretsmanager", region, `secret:${name}-${hex(name, 6)}`);
    return { id: secretArn, outputs: { arn: secretArn } };
  },
  "aws:elasticache/user:User": (name, inputs, region) => {
    const id = String(inputs.userId ?? name);
    return { id, outputs: { arn: arn("elasticache", region, `user:${id}`) } };
  },
  "aws:elasticache/userGroup:UserGroup": (name, inputs, region) => {
    const id = String(inputs.userGroupId ?? name);
    return { id, outputs: { arn: arn("elasticache", region, `usergroup:${id}`) } };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (name, inputs, region) => {
    const alarmName = String(inputs.name ?? `${name}-${hex(name, 7)}`);
    return { id: alarmName, outputs: { name: alarmName, arn: arn("cloudwatch", region, `alarm:${alarmName}`) } };
  },
};

/** Deterministic "generated" values for @pulumi/random, so plans are reproducible and diffable. */
function randomOutputs(type: string, name: string, inputs: Props): Props | undefined {
  const length = Number(inputs.length ?? 16);
  if (type === "random:index/randomPassword:RandomPassword" || type === "random:index/randomString:RandomString") {
    const result = createHash("sha256")
      .update(`${type}/${name}/${JSON.stringify(inputs.keepers ?? {})}`)
      .digest("base64url")
      .slice(0, length)
      .padEnd(length, "x");
    return { result };
  }
  if (type === "random:index/randomId:RandomId") {
    const bytes = Number(inputs.byteLength ?? 8);
    return { hex: hex(name, bytes * 2), b64Url: Buffer.from(hex(name, bytes * 2), "hex").toString("base64url") };
  }
  return undefined;
}

function kubernetesOutputs(name: string, inputs: Props): { id: string; outputs: Props } {
  const metadata = { ...((inputs.metadata as Props | undefined) ?? {}) };
  if (metadata.name === undefined) metadata.name = `${name}-${hex(name, 8)}`;
  const namespace = metadata.namespace as string | undefined;
  metadata.uid = `${hex(name, 8)}-${hex(name + "u", 4)}-${hex(name + "i", 4)}-${hex(name + "d", 4)}-${hex(name + "x", 12)}`;
  return { id: namespace ? `${namespace}/${metadata.name}` : String(metadata.name), outputs: { metadata } };
}

/** The SDK reports a failed RPC with the engine's `details` text, so mock failures carry it there too. */
const engineError = (message: string) => Object.assign(new Error(message), { details: message });

/** What a StackReference reads offline: the referenced stack's outputs (secret ones named) from its own render. */
export interface StackOutputs {
  outputs: Record<string, unknown>;
  secretOutputNames: string[];
}

export interface MockContext {
  region: string;
  /** Outputs of the stacks the program references, by fully qualified name (`<org>/<project>/<stack>`). */
  stackReferences?: Readonly<Record<string, StackOutputs>>;
  /** Computed outputs for more resource types (or other ones for the built-in types), by type token. */
  outputs?: Readonly<Record<string, ComputedOutputs>>;
  /** Data-source results, by function token (`aws:ec2/getVpc:getVpc`); a call without one fails. */
  calls?: Readonly<Record<string, CallMock>>;
}

/** Mocks for Pulumi's mock runtime: realistic computed outputs, and data-source calls that fail unless mocked. */
export function createMocks(context: MockContext): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const inputs = args.inputs as Props;
      if (args.type === "pulumi:pulumi:StackReference") {
        const name = String(args.inputs.name ?? args.name);
        const referenced = context.stackReferences?.[name];
        if (!referenced)
          throw engineError(
            `offline plan: no outputs for the referenced stack ${name}; the plan resolves a StackReference from that stack's own offline plan`,
          );
        return {
          id: name,
          state: { name, outputs: referenced.outputs, secretOutputNames: referenced.secretOutputNames },
        };
      }
      if (args.type.startsWith("pulumi:providers:")) return { id: `${args.name}-${hex(args.name, 8)}`, state: inputs };
      if (args.type.startsWith("kubernetes:")) {
        const { id, outputs } = kubernetesOutputs(args.name, inputs);
        return { id, state: { ...inputs, ...outputs } };
      }
      const random = randomOutputs(args.type, args.name, inputs);
      if (random) return { id: args.name, state: { ...inputs, ...random } };
      // AWS provider v7 resources may name their own region (e.g. the DR copy of a bucket).
      const computed = (context.outputs?.[args.type] ?? COMPUTED[args.type])?.(
        args.name,
        inputs,
        typeof inputs.region === "string" ? inputs.region : context.region,
      );
      if (computed) return { id: computed.id, state: { ...inputs, ...computed.outputs } };
      const service = args.type.split(":")[1]?.split("/")[0] ?? "unknown";
      const id = `${args.name}-${hex(args.type + args.name, 8)}`;
      return {
        id,
        state: args.type.startsWith("aws:") ? { ...inputs, arn: arn(service, context.region, id) } : inputs,
      };
    },
    call(args) {
      const mocked = context.calls?.[args.token];
      if (mocked) return mocked(args.inputs as Props, context.region);
      switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return {
            accountId: MOCK_ACCOUNT_ID,
            arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/plan`,
            userId: "AIDAPLAN",
            id: MOCK_ACCOUNT_ID,
          };
        case "aws:index/getRegion:getRegion":
          return { name: context.region, region: context.region, id: context.region, description: context.region };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        default:
          throw engineError(
            `offline plan: data source ${args.token} has no mock; give it one in the render's mocks.calls (the plan never calls a cloud API)`,
          );
      }
    },
  };
}
