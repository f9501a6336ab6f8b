// The committed stack files carry real ciphertext of Pulumi's passphrase secrets provider for the documented example
// passphrase (README "Running it for real"), so `pulumi preview` decrypts them. Decrypted here the way the CLI does:
// pulumi/pulumi pkg/secrets/passphrase/manager.go (state "v1:<base64 salt>:<ciphertext of 'pulumi'>", an 8-byte
// salt, the passphrase accepted only when the check message decrypts to "pulumi") and
// sdk/go/common/resource/config/crypt.go (key = PBKDF2-SHA256(passphrase, salt, 1,000,000 iterations, 32 bytes);
// value = "v1:<base64 12-byte nonce>:<base64 AES-256-GCM sealed message, 16-byte tag last>").
import { createDecipheriv, pbkdf2 } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readStackFile, offlineSecretPlaceholder } from "@platform/offline-plan";
import { PROJECT_ROOT } from "../helpers/render";

/** The example passphrase the committed files are encrypted with (README: re-key before real use). */
const EXAMPLE_PASSPHRASE = "platform-example-passphrase";

const deriveKey = (passphrase: string, salt: Buffer) => promisify(pbkdf2)(passphrase, salt, 1_000_000, 32, "sha256");

/** config.symmetricCrypter.DecryptValue: throws on a wrong key (GCM authentication) or a malformed value. */
function decryptValue(key: Buffer, value: string): string {
  const parts = value.split(":");
  if (parts.length !== 3 || parts[0] !== "v1") throw new Error(`bad value ${value}`);
  const nonce = Buffer.from(parts[1]!, "base64");
  const sealed = Buffer.from(parts[2]!, "base64");
  if (nonce.length !== 12) throw new Error("bad value: nonce size is incorrect");
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString("utf8");
}

/** passphrase.symmetricCrypterFromPhraseAndState: the key, once the state's check message decrypts to "pulumi". */
async function crypterKey(passphrase: string, state: string): Promise<Buffer> {
  const [version, salt, ...rest] = state.split(":");
  if (version !== "v1" || salt === undefined || rest.length !== 3) throw new Error("malformed state value");
  const key = await deriveKey(passphrase, Buffer.from(salt, "base64"));
  let check: string;
  try {
    check = decryptValue(key, rest.join(":"));
  } catch {
    throw new Error("incorrect passphrase");
  }
  if (check !== "pulumi") throw new Error("incorrect passphrase");
  return key;
}

const stacks = readdirSync(PROJECT_ROOT)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();
const stackFile = (stack: string) => join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
const document = (stack: string) =>
  parse(readFileSync(stackFile(stack), "utf8")) as {
    secretsprovider?: string;
    encryptionsalt?: string;
    config: Record<string, unknown>;
  };
/** Every `secure:` value, top-level or nested (`pulumi config set --secret --path`), with its path. */
function nestedSecure(path: string, value: unknown): (readonly [string, string])[] {
  if (value === null || typeof value !== "object") return [];
  if (!Array.isArray(value) && "secure" in value) return [[path, String((value as { secure: unknown }).secure)]];
  return Object.entries(value).flatMap(([k, v]) =>
    nestedSecure(Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, v),
  );
}
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
