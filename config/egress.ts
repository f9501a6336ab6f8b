// A tenant namespace's extra egress (platform:kubernetes.tierEgress, platform:tenants[i].egress): on its own so
// that the kubernetes section (data.ts) and the tenant entries (tenants.ts) share it without importing each other.
import { z } from "zod";
import { dnsLabel } from "./common";

/**
 * One extra egress allowance of a tenant namespace's NetworkPolicy: the listed ports, to the listed CIDRs and/or
 * namespace, or to any destination when neither is given (NetworkPolicy: an egress rule without `to` matches all
 * destinations; peers in `to` are ORed, and ANDed with `ports`).
 */
export const egressRuleSchema = z.strictObject({
  /** Ports (1–65535) and their protocol (default TCP). */
  ports: z
    .array(
      z.strictObject({
        port: z.number().int().min(1).max(65535),
        protocol: z.enum(["TCP", "UDP", "SCTP"]).default("TCP"),
      }),
    )
    .min(1, "at least one port: an egress allowance names the ports it opens"),
  /** Destination address ranges (`ipBlock`), e.g. "10.20.0.0/16". Defaults to none. */
  cidrs: z.array(z.cidrv4({ message: 'an IPv4 CIDR such as "10.20.0.0/16"' })).optional(),
  /** Destination namespace (matched by its `kubernetes.io/metadata.name` label). Defaults to none. */
  namespace: dnsLabel(1, 63, "a namespace name").optional(),
});
export type EgressRule = z.output<typeof egressRuleSchema>;
