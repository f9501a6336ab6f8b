import { expect } from "vitest";
import type { RecordedResource } from "@platform/offline-plan";
import type { Finders } from "./render";

export const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const KMS_KEY = "aws:kms/key:Key";
export const KMS_ALIAS = "aws:kms/alias:Alias";
export const TOPIC = "aws:sns/topic:Topic";

/** The KMS key id behind an alias (the alias records the key's id as `targetKeyId`). */
export function keyIdOfAlias(stack: Finders, aliasName: string): string {
  const alias = stack.ofType(KMS_ALIAS).find((a) => a.inputs.name === aliasName);
  if (!alias) throw new Error(`no KMS alias ${aliasName}`);
  return String(alias.inputs.targetKeyId);
}

/** Asserts that `arn` is the ARN of the key behind `aliasName` (not an AWS-managed key). */
export function expectKeyOfAlias(stack: Finders, arn: unknown, aliasName: string) {
  expect(String(arn)).toMatch(new RegExp(`^arn:aws:kms:[a-z0-9-]+:\\d{12}:key/${keyIdOfAlias(stack, aliasName)}$`));
}

/** Alarms that are children of a component, by role suffix (`platform-db-alarm-cpu` → `cpu`). */
export function alarmsByRole(
  stack: Finders,
  component: RecordedResource,
  prefix: string,
): Map<string, RecordedResource> {
  const alarms = stack.childrenOf(component.urn).filter((r) => r.type === ALARM);
  return new Map(alarms.map((a) => [a.name.slice(`${prefix}-alarm-`.length), a]));
}

/** Asserts the security group admits exactly one port, from the cluster's security group, and no CIDR. */
export function expectClusterOnlyIngress(
  stack: Finders,
  groupId: string,
  port: number,
  clusterSecurityGroupId: string,
) {
  const rules = stack
    .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    .filter((r) => r.inputs.securityGroupId === groupId);
  expect(rules).toHaveLength(1);
  expect(rules[0].inputs).toMatchObject({
    referencedSecurityGroupId: clusterSecurityGroupId,
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
  });
  expect(rules[0].inputs.cidrIpv4).toBeUndefined();
  const inline = stack
    .ofType("aws:ec2/securityGroup:SecurityGroup")
    .filter((g) => Array.isArray(g.inputs.ingress) && (g.inputs.ingress as unknown[]).length > 0);
  expect(inline).toEqual([]);
}

/** Every input of every resource and the stack outputs, as text: a revealed secret must appear nowhere in it. */
export const everythingPlain = (stack: { resources: RecordedResource[]; outputs: Record<string, unknown> }) =>
  JSON.stringify([stack.resources.map((r) => r.inputs), stack.outputs]);
