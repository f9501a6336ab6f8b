// What the Kubernetes API server and the container runtime accept, for the config values that end up in Kubernetes
// objects: label keys and values (also in label selectors), object names, resource quantities, image references.
// Each check follows the acceptor's own source, cited beside it; messages say what is allowed.
import { z } from "zod";

// k8s.io/apimachinery pkg/api/validate/content/kube.go: labelKeyFmt, labelValueFmt, LabelValueMaxLength = 63.
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
// k8s.io/apimachinery pkg/util/validation/validation.go: dns1123LabelFmt, dns1123SubdomainFmt (max 63 / 253).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** IsLabelValue: empty, or ≤ 63 characters of alphanumerics, '-', '_', '.', starting and ending alphanumeric. */
export function labelValueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > 63 || !LABEL_NAME.test(value))
    return "a Kubernetes label value: empty, or at most 63 characters of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or digit (k8s.io/apimachinery IsLabelValue)";
  return undefined;
}

/** IsLabelKey (IsQualifiedName): an optional DNS-1123 subdomain prefix and "/", then a name as a label value. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split("/");
  const name = parts[parts.length - 1];
  const prefixOk =
    parts.length === 1 || (parts.length === 2 && parts[0].length <= 253 && DNS1123_SUBDOMAIN.test(parts[0]));
  if (parts.length > 2 || !prefixOk || name.length === 0 || name.length > 63 || !LABEL_NAME.test(name))
    return "a Kubernetes label key: an optional DNS subdomain prefix and \"/\" (e.g. \"example.com/\"), then at most 63 characters of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or digit (k8s.io/apimachinery IsLabelKey)";
  return undefined;
}

/** IsDNS1123Label: the names of namespaces and of most objects that become DNS names. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length > 63 || !DNS1123_LABEL.test(name))
    return 'a DNS-1123 label: at most 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit (k8s.io/apimachinery IsDNS1123Label)';
  return undefined;
}

export const k8sLabelValue = z.string().superRefine((value, ctx) => {
  const problem = labelValueProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A label map (labels or a selector's matchLabels): keys by IsLabelKey, values by IsLabelValue. */
export const k8sLabels = z.record(
  z.string().superRefine((key, ctx) => {
    const problem = labelKeyProblem(key);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  k8sLabelValue,
);

// k8s.io/apimachinery pkg/api/resource/quantity.go, the grammar above `type Quantity` and parseQuantityString:
// <signedNumber><suffix>, suffix a binary SI (Ki…Ei), decimal SI (m, "", k, M, G, T, P, E) or decimal exponent
// (e/E and a signed integer: suffix.go interpret, strconv.ParseInt).
const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** A quantity's value (for comparisons), or undefined when resource.ParseQuantity would refuse it. */
export function quantityValue(text: string): number | undefined {
  const match = text === "" ? null : QUANTITY.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction, suffix = ""] = match;
  const number = Number(`${whole || "0"}.${fraction || "0"}`);
  const scale = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return (sign === "-" ? -1 : 1) * number * scale;
}

/**
 * A resource quantity as requests, limits and quotas take it: the Quantity grammar, and not negative
 * (kubernetes pkg/apis/core/validation ValidateResourceQuantityValue / ValidateNonnegativeQuantity).
 */
export function quantity(example: string) {
  return z.string().superRefine((value, ctx) => {
    const parsed = quantityValue(value);
    if (parsed === undefined || parsed < 0)
      ctx.addIssue({
        code: "custom",
        message: `a non-negative Kubernetes quantity: a number with an optional suffix Ki, Mi, Gi, Ti, Pi, Ei, m, k, M, G, T, P, E or an exponent e3, such as ${example} (k8s.io/apimachinery resource.Quantity)`,
      });
  });
}

// github.com/distribution/reference regexp.go: referencePat = name [":" tag] ["@" digest], name =
// [domainAndPort "/"] remoteName; reference.go Parse: path ≤ 255 characters, and the digest must be one
// go-digest validates (github.com/opencontainers/go-digest algorithm.go: a registered algorithm and its length of
// lowercase hex). Only sha256 is registered unless a binary imports crypto/sha512 (distribution's reference_test.go
// expects sha512 refused), so sha256 with 64 hex characters it is. The runtime refuses the rest (InvalidImageName).
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${DOMAIN})/)?(${REMOTE_NAME})$`);
const DIGEST_LENGTH: Record<string, number> = { sha256: 64 };

export function imageReferenceProblem(reference: string): string | undefined {
  const reason = imageReferenceReason(reference);
  return reason === undefined
    ? undefined
    : `an image reference such as "ghcr.io/acme/worker:1.4.2" ([registry[:port]/]path[:tag][@sha256:<64 hex>], lowercase path; github.com/distribution/reference): ${reason}`;
}

function imageReferenceReason(reference: string): string | undefined {
  // normalize.go ParseNormalizedNamed: a bare 64-hex string is an image id, not a name.
  if (/^[a-f0-9]{64}$/.test(reference)) return "cannot specify 64-byte hexadecimal strings";
  const match = REFERENCE.exec(reference);
  if (!match) {
    if (REFERENCE.test(reference.toLowerCase())) return "repository name must be lowercase";
    return 'invalid reference format (at most one ":tag", after the last "/"; no spaces)';
  }
  const path = ANCHORED_NAME.exec(match[1])?.[2] ?? match[1];
  if (path.length > 255) return "repository name must not be more than 255 characters";
  const digest = match[3];
  if (digest !== undefined) {
    const [algorithm, encoded] = digest.split(":");
    const length = DIGEST_LENGTH[algorithm];
    if (length === undefined) return `unsupported digest algorithm "${algorithm}" (use sha256)`;
    if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded))
      return `invalid ${algorithm} digest: ${length} lowercase hex characters after "${algorithm}:"`;
  }
  return undefined;
}

export const imageReference = z.string().superRefine((value, ctx) => {
  const problem = imageReferenceProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
