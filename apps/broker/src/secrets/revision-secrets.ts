import { canonicalJson, REDACTED, setPropertyAt, type JsonObject } from '@berth/core';
import { contentHash, redactDocument, redactSourceText } from '@berth/oam';
import type { SecretKeyring } from './secret-keyring';

/** Secret inputs by component name and property path, e.g. `{ db: { password: '…' }, cache: { 'accounts/0/password': '…' } }`. */
export type ComponentSecrets = Record<string, Record<string, string>>;

function componentsOf(document: JsonObject): Array<Record<string, unknown>> {
  const spec = document.spec as { components?: unknown } | undefined;
  return Array.isArray(spec?.components) ? (spec.components as Array<Record<string, unknown>>) : [];
}

/** Each string under `original` that `masked` (its redacted copy) replaced by REDACTED, by property path. */
function redactedValues(original: unknown, masked: unknown, path: string[], into: Record<string, string>): void {
  if (masked === REDACTED) {
    if (typeof original === 'string' && original !== REDACTED) into[path.join('/')] = original;
    return;
  }
  if (Array.isArray(original) && Array.isArray(masked)) {
    original.forEach((item, i) => redactedValues(item, masked[i], [...path, String(i)], into));
    return;
  }
  if (typeof original !== 'object' || original === null || typeof masked !== 'object' || masked === null) return;
  for (const [key, value] of Object.entries(original)) {
    if (Object.hasOwn(masked, key))
      redactedValues(value, (masked as Record<string, unknown>)[key], [...path, key], into);
  }
}

/**
 * The secret values redaction takes out of a normalized document (whatever redactDocument considers secret), by
 * property path: `password`, `accounts/0/password`.
 */
export function secretsOf(
  document: JsonObject,
  redactedDocument: JsonObject = redactDocument(document),
): ComponentSecrets {
  const redacted = componentsOf(redactedDocument);
  // Keyed by component names, which may be `constructor`: objects without a prototype, so a name never finds one of
  // Object.prototype's members (and a value is never written onto the Object constructor).
  const secrets: ComponentSecrets = Object.create(null) as ComponentSecrets;
  componentsOf(document).forEach((component, index) => {
    const properties = component.properties as Record<string, unknown> | undefined;
    const masked = redacted[index]?.properties as Record<string, unknown> | undefined;
    if (!properties || !masked || typeof component.name !== 'string') return;
    const values = Object.create(null) as Record<string, string>;
    redactedValues(properties, masked, [], values);
    if (Object.keys(values).length > 0) secrets[component.name] = values;
  });
  return secrets;
}

/** Puts sealed-away secret values back into a redacted document (what the worker validates and plans from). */
export function restoreSecrets(document: JsonObject, secrets: ComponentSecrets): JsonObject {
  const copy = structuredClone(document);
  for (const component of componentsOf(copy)) {
    const values =
      typeof component.name === 'string' && Object.hasOwn(secrets, component.name)
        ? secrets[component.name]
        : undefined;
    if (!values) continue;
    const properties = { ...(component.properties as Record<string, unknown>) };
    for (const [path, value] of Object.entries(values)) setPropertyAt(properties, path, value);
    component.properties = properties;
  }
  return copy;
}

export interface StoredRevisionContent {
  document: JsonObject;
  originalText: string;
  sealedSecrets: string | null;
  contentHash: string;
}

export function revisionAad(environment: string, application: string): string {
  return `revision:${environment}/${application}`;
}

/**
 * What a revision stores: the document and the text redacted, the secret values sealed, and a content hash that
 * still changes when only a secret changes (a keyed digest of the secrets, not the secrets, enters it).
 */
export function storedRevisionContent(
  keyring: SecretKeyring,
  environment: string,
  application: string,
  document: JsonObject,
  original: { text: string; contentType: string },
): StoredRevisionContent {
  const redacted = redactDocument(document);
  const secrets = secretsOf(document, redacted);
  const hasSecrets = Object.keys(secrets).length > 0;
  const baseHash = contentHash(redacted);
  return {
    document: redacted,
    // Every literal secret of the text (under its canonical or KubeVela name, however it is spelt: the parser has
    // resolved aliases, and duplicate keys are refused) is a secret of the normalized document, so a document without
    // any leaves the text as it is: redacting the text re-parses it and checks the result, which costs more than
    // the rest of a PUT.
    originalText: hasSecrets
      ? redactSourceText(original.text, {
          contentType: original.contentType,
          secrets: Object.values(secrets).flatMap((values) => Object.values(values)),
        })
      : original.text,
    sealedSecrets: hasSecrets ? keyring.sealToText(secrets, revisionAad(environment, application)) : null,
    contentHash: hasSecrets ? keyring.digest(`${baseHash}\n${canonicalJson(secrets)}`).slice(0, 64) : baseHash,
  };
}
