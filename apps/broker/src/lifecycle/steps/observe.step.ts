import {
  componentPropertiesHash,
  ProviderError,
  ProviderErrorCode,
  readReadOnly,
  type CloudComponentSpec,
  type StepContext,
  type StepResult,
} from '@berth/core';
import { resourceKey, scopeOf, stillOurs, type OperationContext, type StepDependencies } from './operation-context';

/** Whether a component of this operation's application is read-only (read-only policy). */
export function isReadOnly(ctx: OperationContext, component: string): boolean {
  return readReadOnly(ctx.application?.annotations).has(component);
}

/**
 * A read-only component: Berth never creates, changes or deletes its resource. It takes the resource recorded
 * under this environment, application and component (one an earlier application of this name kept with
 * deletionPolicy Retain, say), asks the provider that it still exists, and binds its recorded outputs and connection
 * secret. None recorded, or gone from the provider: the step fails with that reason (not retried).
 */
export async function observe(
  deps: StepDependencies,
  ctx: OperationContext,
  spec: CloudComponentSpec,
  context: StepContext,
): Promise<StepResult> {
  const { environmentName: environment, applicationName: application } = ctx.operation;
  const key = resourceKey(ctx, spec.name);
  const row = await deps.resources.find(key);
  const refusal = (why: string) =>
    new ProviderError(
      ProviderErrorCode.InvalidRequest,
      `${spec.name} is read-only (read-only policy) and ${why}; Berth only reads a read-only component's resource ` +
        `(the one recorded for application ${application}, component ${spec.name} in environment ${environment}, e.g. ` +
        'kept by deletionPolicy Retain) and never creates it',
    );
  if (!row || Object.keys(row.externalIds).length === 0) throw refusal('no resource of it exists here');
  const secret = await deps.resources.latestSecret(row.id);
  if (!secret) throw refusal('its resource has no connection secret recorded');
  const { request, provider } = deps.requests.forRecorded(scopeOf(ctx), row);
  const report = await provider.refresh({ ...request, signal: context.signal });
  stillOurs(context);
  if (!report.exists) throw refusal('its resource no longer exists in the provider');

  const values = deps.secrets.open(secret);
  const sensitive = secret.keys.filter((k) => k.sensitive).map((k) => k.name);
  context.scrubber.addAll(sensitive.map((k) => values[k]).filter((v): v is string => !!v));
  const { version } = await deps.secrets.publish(row.id, spec.connectionSecretName, values, sensitive);
  await deps.resources.update(key, {
    retained: false,
    deletionPolicy: 'Retain',
    secretName: spec.connectionSecretName,
    propertiesHash: componentPropertiesHash(spec),
    lastError: null,
  });
  context.log.log(
    'info',
    `${spec.name} is read-only: its existing resource is used as recorded, nothing applied` +
      (report.drifted ? ` (it differs from the spec: ${report.differences.map((d) => d.field).join(', ')})` : ''),
  );
  return { externalIds: row.externalIds, secretVersion: version, readOnly: true };
}
