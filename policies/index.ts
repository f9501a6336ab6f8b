// The policy pack, as the Pulumi CLI loads it: `pulumi preview --policy-pack policies`.
// Constructing a PolicyPack starts the analyzer's gRPC server, so rules live in ./rules and this file only lists
// them; tests and the offline plan import ./rules directly.
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES } from "./rules";

new PolicyPack("platform-policies", {
  enforcementLevel: "mandatory",
  policies: [...ALL_POLICIES],
});
