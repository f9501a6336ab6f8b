import type * as k8s from "../sdk/kubernetes";

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/** The UID the platform's own containers run as when an image does not say (any non-zero UID works). */
export const DEFAULT_RUN_AS_USER = 10001;

/**
 * Pod-level security context that satisfies Pod Security "restricted" (enforced on the platform namespaces):
 * non-root, RuntimeDefault seccomp, and an fsGroup so mounted volumes are writable by the run-as user.
 */
export function restrictedPodSecurityContext(runAsUser = DEFAULT_RUN_AS_USER): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup: runAsUser,
    fsGroup: runAsUser,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level security context: no privilege escalation, all capabilities dropped, read-only root. */
export function restrictedContainerSecurityContext(): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}
