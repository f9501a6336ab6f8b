// What the tenant NetworkPolicy lets through, judged by an evaluator of the Kubernetes NetworkPolicy semantics (no
// CNI can run here). Rules from the Kubernetes docs, "Network Policies" (concepts/services-networking/network-policies)
// and the networking/v1 API reference:
// - a pod selected by a policy with a policy type is isolated in that direction: only traffic some rule of that type
//   allows gets through (rules are ORed);
// - a rule without `from`/`to` matches every peer; one without `ports` matches every port;
// - peers: `podSelector` alone = pods of the policy's namespace; `namespaceSelector` alone = every pod of the selected
//   namespaces; both in one peer = the selected pods of the selected namespaces; `ipBlock` = addresses in the CIDR;
// - a port's `protocol` defaults to TCP; `port` is a number or the name of a container port of the selected pod;
// - every namespace carries the label `kubernetes.io/metadata.name: <name>` (set by the API server).
import { beforeAll, describe, expect, it } from "vitest";
import { Finders, renderStack } from "../../helpers/render";
import type { RenderResult } from "@platform/offline-plan";
import { parsePlatformConfig, ConfigError } from "../../../config";
import * as stacks from "../../fixtures/stacks";

type Obj = Record<string, any>;
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

interface Endpoint {
  namespace?: string;
  labels?: Record<string, string>;
  ip: string;
}
interface Port {
  number: number;
  name?: string;
  protocol?: "TCP" | "UDP";
}

const matchLabels = (selector: Obj | undefined, labels: Record<string, string> = {}) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

function inCidr(ip: string, cidr: string): boolean {
  const toInt = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const [base, bits] = cidr.split("/");
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return (toInt(ip) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

function peerMatches(peer: Obj, other: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) return inCidr(other.ip, peer.ipBlock.cidr);
  if (other.namespace === undefined) return false; // outside the cluster: only ipBlock peers match
  const namespaceOk = peer.namespaceSelector
    ? matchLabels(peer.namespaceSelector, { "kubernetes.io/metadata.name": other.namespace })
    : other.namespace === policyNamespace;
  return namespaceOk && (peer.podSelector ? matchLabels(peer.podSelector, other.labels) : true);
}

const portMatches = (rulePort: Obj, port: Port) =>
  (rulePort.protocol ?? "TCP") === (port.protocol ?? "TCP") &&
  (rulePort.port === undefined || rulePort.port === port.number || rulePort.port === port.name);

function allows(spec: Obj, direction: "ingress" | "egress", policyNamespace: string, peer: Endpoint, port: Port) {
  const type = direction === "ingress" ? "Ingress" : "Egress";
  if (!spec.policyTypes.includes(type)) return true;
  const peersKey = direction === "ingress" ? "from" : "to";
  return (spec[direction] ?? []).some(
    (rule: Obj) =>
      (rule[peersKey] === undefined || rule[peersKey].some((p: Obj) => peerMatches(p, peer, policyNamespace))) &&
      (rule.ports === undefined || rule.ports.some((p: Obj) => portMatches(p, port))),
  );
}

const PROMETHEUS: Endpoint = {
  namespace: "monitoring",
  labels: { "app.kubernetes.io/name": "prometheus" },
  ip: "10.1.0.9",
};
const WORKER_HTTP: Port = { number: 8080, name: "http" };

describe("tenant NetworkPolicy", () => {
  let prod: RenderResult & Finders;
  const policyOf = (tenant: string) => (prod.find(POLICY, `tenant-${tenant}-network-policy`).inputs as Obj).spec;
  beforeAll(async () => {
    const config = stacks.production() as Obj;
    config["platform:kubernetes"].tierEgress = { enterprise: [{ ports: [{ port: 443 }] }] };
    config["platform:tenants"][2].egress = [{ ports: [{ port: 443 }], cidrs: ["10.20.0.0/16"] }]; // initech
    prod = await renderStack(config, { stack: "prod" });
  });

  it("admits Prometheus from the monitoring namespace to the metrics port, and nothing else from there", () => {
    const spec = policyOf("acme");
    expect(allows(spec, "ingress", "tenant-acme", PROMETHEUS, WORKER_HTTP)).toBe(true);
    expect(allows(spec, "ingress", "tenant-acme", PROMETHEUS, { number: 9999, name: "debug" })).toBe(false);
    expect(allows(spec, "ingress", "tenant-acme", { ...PROMETHEUS, namespace: "kube-system" }, WORKER_HTTP)).toBe(
      false,
    );
    expect(allows(spec, "ingress", "tenant-acme", { namespace: "tenant-globex", ip: "10.1.0.7" }, WORKER_HTTP)).toBe(
      false,
    );
  });

  it("the monitoring namespace and metrics port come from platform:kubernetes", async () => {
    const config = stacks.production() as Obj;
    config["platform:kubernetes"].monitoringNamespace = "observability";
    config["platform:kubernetes"].tenantMetricsPort = 9090;
    const other = await renderStack(config, { stack: "prod" });
    const spec = (other.find(POLICY, "tenant-acme-network-policy").inputs as Obj).spec;
    const prometheus = { ...PROMETHEUS, namespace: "observability" };
    expect(allows(spec, "ingress", "tenant-acme", prometheus, { number: 9090, name: "metrics" })).toBe(true);
    expect(allows(spec, "ingress", "tenant-acme", PROMETHEUS, { number: 9090 })).toBe(false);
  });

  it("a tier's extra egress opens 443 for its tenants only; a tenant's own egress is limited to its CIDRs", () => {
    const api: Endpoint = { ip: "203.0.113.10" };
    expect(allows(policyOf("acme"), "egress", "tenant-acme", api, { number: 443 })).toBe(true);
    expect(allows(policyOf("globex"), "egress", "tenant-globex", api, { number: 443 })).toBe(true);
    expect(allows(policyOf("acme"), "egress", "tenant-acme", api, { number: 80 })).toBe(false);
    expect(allows(policyOf("initech"), "egress", "tenant-initech", api, { number: 443 })).toBe(false);
    expect(allows(policyOf("initech"), "egress", "tenant-initech", { ip: "10.20.4.5" }, { number: 443 })).toBe(true);
    expect(allows(policyOf("piedpiper"), "egress", "tenant-piedpiper", { ip: "10.20.4.5" }, { number: 443 })).toBe(
      false,
    );
  });

  it("keeps DNS, the data tier and the tenant's own namespace reachable", () => {
    const spec = policyOf("initech");
    const dns = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ip: "10.1.0.2" };
    expect(allows(spec, "egress", "tenant-initech", dns, { number: 53, protocol: "UDP" })).toBe(true);
    expect(allows(spec, "egress", "tenant-initech", { ip: "10.50.0.10" }, { number: 5432 })).toBe(true);
    expect(
      allows(spec, "egress", "tenant-initech", { namespace: "tenant-initech", ip: "10.1.0.5" }, { number: 1 }),
    ).toBe(true);
    expect(
      allows(spec, "egress", "tenant-initech", { namespace: "tenant-acme", ip: "10.1.0.6" }, { number: 8080 }),
    ).toBe(false);
  });
});

describe("egress and monitoring config", () => {
  const base = () => {
    const raw: Obj = {};
    for (const [key, value] of Object.entries(stacks.staging())) {
      if (key.startsWith("platform:") && !["platform:pagerdutyRoutingKey", "platform:slackWebhookUrl"].includes(key))
        raw[key.slice("platform:".length)] = value;
    }
    return raw;
  };
  const problems = (raw: Obj) => {
    try {
      parsePlatformConfig(raw, "us-east-1");
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
  };

  it("defaults the monitoring namespace to monitoring and the metrics port to the workers' named port", () => {
    const config = parsePlatformConfig(base(), "us-east-1");
    expect(config.kubernetes.monitoringNamespace).toBe("monitoring");
    expect(config.kubernetes.tenantMetricsPort).toBe("http");
  });

  it("refuses an egress rule without ports, a bad CIDR or a bad namespace, naming the key", () => {
    const raw = base();
    raw.kubernetes.tierEgress = { standard: [{ ports: [] }] };
    raw.tenants[0].egress = [{ ports: [{ port: 443 }], cidrs: ["10.20.0.0/33"], namespace: "Not_A_Label" }];
    const found = problems(raw);
    expect(found.some((p) => p.startsWith("platform:kubernetes.tierEgress.standard[0].ports"))).toBe(true);
    expect(found.some((p) => p.startsWith("platform:tenants[0].egress[0].cidrs[0]"))).toBe(true);
    expect(found.some((p) => p.startsWith("platform:tenants[0].egress[0].namespace"))).toBe(true);
  });
});
