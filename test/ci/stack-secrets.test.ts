// The committed stack files carry real ciphertext of Pulumi's passphrase secrets provider for the documented example
// passphrase (README "Running it for real"), so `pulumi preview` decrypts them. Decrypted here the way the CLI does
// (test/helpers/stack-secrets.ts, after pulumi/pulumi pkg/secrets/passphrase/manager.go and
// sdk/go/common/resource/config/crypt.go).
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readStackFile, offlineSecretPlaceholder } from "@platform/offline-plan";
import { PROJECT_ROOT } from "../helpers/render";
import {
  EXAMPLE_PASSPHRASE,
  crypterKey,
  decryptValue,
  nestedSecure,
  stackDocument as document,
  stackFile,
} from "../helpers/stack-secrets";

const stacks = readdirSync(PROJECT_ROOT)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();
const secureValues = (stack: string) =>
  Object.entries(document(stack).config).flatMap(([key, value]) => nestedSecure(key, value));

describe("stack file secrets (passphrase provider)", () => {
  it("every stack file selects the passphrase provider the way the CLI writes it: an encryptionsalt, no other provider", () => {
    for (const stack of stacks) {
      const doc = document(stack);
      // GetSecretsManager (pkg/cmd/pulumi/stack/secrets.go): no secretsprovider (or "passphrase") plus a salt.
      expect([undefined, "passphrase"], stack).toContain(doc.secretsprovider);
      expect(doc.encryptionsalt, stack).toMatch(/^v1:[A-Za-z0-9+/]{11}=:v1:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/=]+$/);
      expect(Buffer.from(doc.encryptionsalt!.split(":")[1]!, "base64")).toHaveLength(8);
    }
  });

  it("decrypts every secure value with the example passphrase, and the CLI's check refuses another passphrase", async () => {
    const decrypted = await Promise.all(
      stacks.map(async (stack) => {
        const key = await crypterKey(EXAMPLE_PASSPHRASE, document(stack).encryptionsalt!);
        return [stack, Object.fromEntries(secureValues(stack).map(([k, v]) => [k, decryptValue(key, v)]))] as const;
      }),
    );
    const byStack = Object.fromEntries(decrypted);
    for (const stack of ["prod", "prod-dr", "staging"]) {
      expect(Object.keys(byStack[stack]!).sort(), stack).toEqual([
        "platform:pagerdutyRoutingKey",
        "platform:slackWebhookUrl",
        // a connector secret set with `pulumi config set --secret --path` (docs/data-tier.md, connectors)
        ...(stack === "staging" ? [] : ["platform:tenants[0].connectors.salesforce.clientSecret"]),
      ]);
      expect(byStack[stack]!["platform:pagerdutyRoutingKey"]).toMatch(/^example-pagerduty-routing-key-/);
      expect(byStack[stack]!["platform:slackWebhookUrl"]).toMatch(/^https:\/\/hooks\.slack\.com\/services\/\w+\/\w+\//);
    }
    await expect(crypterKey("not-the-passphrase", document("prod").encryptionsalt!)).rejects.toThrow(
      "incorrect passphrase",
    );
  });

  it("each value is bound to its stack's salt: prod's ciphertext does not open with staging's key", async () => {
    const stagingKey = await crypterKey(EXAMPLE_PASSPHRASE, document("staging").encryptionsalt!);
    expect(() => decryptValue(stagingKey, secureValues("prod")[0]![1])).toThrow();
  });

  it("the offline plan still never decrypts: secure values read as placeholders", () => {
    const { config, secretKeys } = readStackFile(stackFile("prod"), "platform");
    // A nested secure value marks its whole key secret (pulumi/pulumi config/value.go, hasSecureValue), plus its path.
    expect(secretKeys.sort()).toEqual([
      "platform:pagerdutyRoutingKey",
      "platform:slackWebhookUrl",
      "platform:tenants",
      "platform:tenants[0].connectors.salesforce.clientSecret",
    ]);
    expect(config["platform:slackWebhookUrl"]).toBe(offlineSecretPlaceholder("platform:slackWebhookUrl"));
    expect(Object.keys(config)).not.toContain("platform:encryptionsalt");
  });
});
