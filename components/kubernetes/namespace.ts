import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import { standardLabels } from "./labels";

export interface PlatformNamespaceArgs {
  /** Name of the Kubernetes namespace. */
  namespace: string;
  /** Environment label (`platform.io/environment`). */
  environment: string;
  /** Extra labels, e.g. tenant labels. Defaults to none. */
  labels?: Record<string, string>;
  /** Kubernetes provider to create the namespace with. */
  provider: k8s.Provider;
}

/** A Kubernetes namespace carrying the standard labels and Pod Security "restricted" enforcement. */
export class PlatformNamespace extends pulumi.ComponentResource {
  /** The namespace name, known once created. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:kubernetes:Namespace", name, {}, opts);
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace,
          labels: {
            ...standardLabels({ name: args.namespace, component: "namespace" }),
            "platform.io/environment": args.environment,
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            ...args.labels,
          },
        },
      },
      { parent: this, provider: args.provider },
    );
    this.name = namespace.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
