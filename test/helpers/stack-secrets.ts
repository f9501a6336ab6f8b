// Pulumi's passphrase secrets provider, as the CLI decrypts the committed stack files' `secure:` values:
// pulumi/pulumi pkg/secrets/passphrase/manager.go (state "v1:<base64 salt>:<ciphertext of 'pulumi'>", an 8-byte
// salt, the passphrase accepted only when the check message decrypts to "pulumi") and
// sdk/go/common/resource/config/crypt.go (key = PBKDF2-SHA256(passphrase, salt, 1,000,000 iterations, 32 bytes);
// value = "v1:<base64 12-byte nonce>:<base64 AES-256-GCM sealed message, 16-byte tag last>"). Every stack has its
// own salt and every value a random nonce, so two stacks' ciphertexts of one secret never match: compare plaintexts.
import { createDecipheriv, pbkdf2 } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { PROJECT_ROOT } from "./render";

/** The example passphrase the committed files are encrypted with (README: re-key before real use). */
export const EXAMPLE_PASSPHRASE = "platform-example-passphrase";

const deriveKey = (passphrase: string, salt: Buffer) => promisify(pbkdf2)(passphrase, salt, 1_000_000, 32, "sha256");

/** config.symmetricCrypter.DecryptValue: throws on a wrong key (GCM authentication) or a malformed value. */
export function decryptValue(key: Buffer, value: string): string {
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
export async function crypterKey(passphrase: string, state: string): Promise<Buffer> {
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

export const stackFile = (stack: string) => join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
export const stackDocument = (stack: string) =>
  parse(readFileSync(stackFile(stack), "utf8")) as {
    secretsprovider?: string;
    encryptionsalt?: string;
    config: Record<string, unknown>;
  };

/** Every `secure:` value, top-level or nested (`pulumi config set --secret --path`), with its path. */
export function nestedSecure(path: string, value: unknown): (readonly [string, string])[] {
  if (value === null || typeof value !== "object") return [];
  if (!Array.isArray(value) && "secure" in value) return [[path, String((value as { secure: unknown }).secure)]];
  return Object.entries(value).flatMap(([k, v]) =>
    nestedSecure(Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, v),
  );
}

/** `value` with every `{ secure: ciphertext }` replaced by `{ secure: plaintext }`, decrypted with `key`. */
export function revealSecure(key: Buffer, value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => revealSecure(key, v));
  if ("secure" in value) return { secure: decryptValue(key, String((value as { secure: unknown }).secure)) };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecure(key, v)]));
}

/** A stack file's key, as the example passphrase opens its salt. */
export const exampleKeyOf = (stack: string) => crypterKey(EXAMPLE_PASSPHRASE, stackDocument(stack).encryptionsalt!);
