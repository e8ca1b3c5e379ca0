import type { ApplicationSpec, JsonObject, ValidationProblem } from '@berth/core';

export interface ParseOptions {
  /** The request's Content-Type (parameters allowed): application/yaml, application/x-yaml, text/yaml, application/json. */
  contentType: string;
  maxBytes: number;
  maxAliases?: number;
  maxDepth?: number;
}

export interface ValidationContext {
  /** Names of provider profiles a component may select with providerRef.name, beyond the environment's default. */
  profileNames?: string[];
  /**
   * Whether the adapter serving a cloud component can provision its type at all: a refusal (e.g. "the local provider
   * cannot provision alibaba-eip") is reported at the component's `type`, and its other checks are skipped.
   */
  typeSupport?: (component: {
    name: string;
    type: string;
    writtenType: string;
    properties: JsonObject;
  }) => string | undefined;
  /**
   * A `service-binding` naming a Secret the application does not create (neither a cloud component nor one of its
   * connection secrets): `'bind'` when the runtime binds such an existing Secret as it is (kubernetes: a secretKeyRef
   * to it), else the runtime's reason for refusing it (the local runtime reads only the secrets Berth creates).
   * Unset: refused as an unknown name.
   */
  existingSecrets?: 'bind' | { refused: string };
  /**
   * The namespace the environment pins its objects to (kubernetes runtime): a connection secret naming another one
   * (writeConnectionSecretToRef.namespace) is refused there, as metadata.namespace is; unset, it is only recorded.
   */
  workloadNamespace?: string;
  /** Extra checks contributed by the target environment (e.g. its provider's validateComponent). */
  componentChecks?: Array<(component: { name: string; type: string; properties: JsonObject }) => ValidationProblem[]>;
}

export type ValidationResult =
  | {
      ok: true;
      /** The normalized application the engine plans from. */
      application: ApplicationSpec;
      /** The normalized Application as an OAM document (canonical types and property names, defaults applied). */
      document: JsonObject;
      /** What was accepted but ignored or changed from what KubeVela would do (e.g. pasted read-only fields). */
      warnings: ValidationProblem[];
    }
  | { ok: false; problems: ValidationProblem[]; warnings?: ValidationProblem[] };

export interface DefinitionSummary {
  name: string;
  kind: 'component' | 'trait';
  category: 'cloud' | 'workload' | 'trait';
  aliases: string[];
  description: string;
}

export interface Definition extends DefinitionSummary {
  schema: JsonObject;
  /** Traits: the workload kinds it applies to (KubeVela's appliesToWorkloads; `any` for every kind). */
  appliesToWorkloads?: string[];
  connectionKeys: Array<{ name: string; sensitive: boolean; description: string }>;
  /** The definition as Markdown: the properties table (as `vela show` prints it) and the connection keys. */
  markdown: string;
}
