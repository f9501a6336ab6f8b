// What every cross-field rule module shares: the partly parsed config it reads (only the sections that parsed
// cleanly are present), the key namer and the list shortener. Rule modules import this, never each other.
import type { PlatformConfig } from "./sections";
import type { Environment } from "./common";
import { keyName } from "./errors";

/** The config as far as it parsed: a section is present only when it parsed cleanly. */
export type ParsedSections = Partial<PlatformConfig> & { environment: Environment };

/** The full key of a path under the namespace: key("tenants", 3, "id") → `platform:tenants[3].id`. */
export const key = (...path: (string | number)[]) => keyName("platform", path);

/** At most this many names in a message; the rest are counted. */
export const showList = (names: readonly string[], max = 20) =>
  names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
