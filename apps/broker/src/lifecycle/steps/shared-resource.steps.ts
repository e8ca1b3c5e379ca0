import {
  componentPropertiesHash,
  PlanGraph,
  ProviderError,
  ProviderErrorCode,
  readSharedComponents,
  realSleeper,
  type CloudComponentSpec,
  type StepContext,
  type StepResult,
} from '@berth/core';
import type { ManagedResourceEntity } from '@berth/persistence';
import { resourceKey, stillOurs, type OperationContext, type StepDependencies } from './operation-context';

/** How often a delivery waiting for another one to provision a shared component looks again. */
const SHARED_POLL_MS = 500;

/** The environment that provisions this shared component when no delivery holds it yet; undefined: not shared. */
export function plannedSharedOwner(ctx: OperationContext, component: string): string | undefined {
  return readSharedComponents(ctx.application?.annotations).get(component);
}

/** The environment an Application's record belongs to: the home it was delivered from, else its own. */
async function homeOf(deps: StepDependencies, environment: string, application: string): Promise<string | undefined> {
  const record = await deps.applications.find(environment, application);
  return record ? (record.deliveredFrom ?? record.environmentName) : undefined;
}

/**
 * The rows of the same home's deliveries that use this shared component (any owner), other than `except`'s, the
 * home's first, then by environment. A row of another Application that happens to bear the same name (an earlier
 * home's leftover) is not one of them. The rows are read in one query, whatever the number of deliveries.
 */
async function sharedUsesOfHome(
  deps: StepDependencies,
  home: string,
  application: string,
  component: string,
  except: string,
): Promise<ManagedResourceEntity[]> {
  const homeRecord = await deps.applications.find(home, application);
  const records = [...(homeRecord ? [homeRecord] : []), ...(await deps.applications.listDeliveries(home, application))];
  // The environments whose record of this name belongs to this home (it is the home, or was delivered from it).
  const environments = [
    ...new Set(
      records
        .filter((record) => (record.deliveredFrom ?? record.environmentName) === home)
        .map((record) => record.environmentName)
        .filter((environment) => environment !== except),
    ),
  ];
  const rows = await deps.resources.findInEnvironments(environments, application, component);
  const order = (row: ManagedResourceEntity) => environments.indexOf(row.environmentName);
  return rows.filter((row) => row.sharedOwner).sort((a, b) => order(a) - order(b));
}

/** A use that holds the made resource: its ids and a connection secret (the one made under its own name first). */
async function sourceAmong(deps: StepDependencies, uses: ManagedResourceEntity[]) {
  const live = uses.filter(
    (row) => Object.keys(row.externalIds).length > 0 && (row.phase === 'Ready' || row.phase === 'Provisioning'),
  );
  live.sort((a, b) => Number(b.sharedOwner === b.environmentName) - Number(a.sharedOwner === a.environmentName));
  for (const row of live) {
    const secret = await deps.resources.latestSecret(row.id);
    if (secret) return { row, secret };
  }
  return undefined;
}

/**
 * A shared component in one delivery. The delivery whose row made it (its `sharedOwner` is its own environment)
 * applies it as any component; the planned owner makes it when no delivery of the Application holds it yet; every
 * other delivery waits until one does and takes its ids, outputs, held inputs and connection secret as its own row
 * (published in its own environment, so its workloads bind it), without calling the provider.
 */
export async function provisionShared(
  deps: StepDependencies,
  ctx: OperationContext,
  spec: CloudComponentSpec,
  context: StepContext,
  plannedOwner: string,
  provisionOwn: (sharedOwner: string) => Promise<StepResult>,
): Promise<StepResult> {
  const { environmentName: environment, applicationName: application } = ctx.operation;
  const key = resourceKey(ctx, spec.name);
  const own = await deps.resources.find(key);
  if (own?.sharedOwner === environment) return provisionOwn(environment);
  const home = (await homeOf(deps, environment, application)) ?? environment;
  let announced = false;
  for (;;) {
    const uses = await sharedUsesOfHome(deps, home, application, spec.name, environment);
    const source = await sourceAmong(deps, uses);
    if (source) return adoptShared(deps, ctx, spec, context, source);
    if (uses.length === 0 && plannedOwner === environment) return provisionOwn(environment);
    const failed = uses.find((row) => row.phase === 'Failed' && row.sharedOwner === row.environmentName);
    if (failed) {
      throw new ProviderError(
        ProviderErrorCode.InvalidRequest,
        `shared component ${spec.name} is provisioned by environment ${failed.environmentName}, whose apply of it failed; retry that delivery`,
      );
    }
    if (!announced) {
      context.log.log('info', `${spec.name} is shared: waiting for environment ${plannedOwner} to provision it`);
      announced = true;
    }
    await realSleeper.sleep(SHARED_POLL_MS, context.signal);
  }
}

async function adoptShared(
  deps: StepDependencies,
  ctx: OperationContext,
  spec: CloudComponentSpec,
  context: StepContext,
  source: NonNullable<Awaited<ReturnType<typeof sourceAmong>>>,
): Promise<StepResult> {
  const { environmentName: environment, applicationName: application } = ctx.operation;
  const { row, secret } = source;
  const values = deps.secrets.open(secret);
  const sensitive = secret.keys.filter((k) => k.sensitive).map((k) => k.name);
  context.scrubber.addAll(sensitive.map((k) => values[k]).filter((v): v is string => !!v));
  const held = deps.secrets.heldInputs(row.environmentName, application, row);
  context.scrubber.addAll(Object.values(held));
  const mine = await deps.resources.upsert(resourceKey(ctx, spec.name), {
    type: spec.type,
    category: 'cloud',
    profileKind: row.profileKind,
    profileName: row.profileName,
    deletionPolicy: spec.deletionPolicy,
    secretName: spec.connectionSecretName,
    sharedOwner: row.sharedOwner,
    sealedInputs: Object.keys(held).length ? deps.secrets.sealInputs(environment, application, spec.name, held) : null,
  });
  stillOurs(context);
  const { version, published } = await deps.secrets.publish(mine.id, spec.connectionSecretName, values, sensitive);
  if (published) {
    context.log.log(
      'info',
      `${spec.name} is shared, made under environment ${row.sharedOwner}: connection secret ${spec.connectionSecretName} is now version ${version} here`,
      { version },
    );
  }
  await deps.resources.update(resourceKey(ctx, spec.name), {
    externalIds: row.externalIds,
    outputs: row.outputs,
    properties: row.properties,
    retained: false,
    propertiesHash: componentPropertiesHash(spec),
    dependsOn: PlanGraph.fromApplication(ctx.application!).dependenciesOf(spec.name).sort(),
    stackName: row.stackName,
    lastError: null,
  });
  return { externalIds: row.externalIds, secretVersion: version, sharedFrom: row.environmentName };
}

/**
 * Releases this delivery's use of a shared resource: while another delivery of the Application still uses it
 * (a row not itself being deleted), only this row goes; the last one destroys it (`destroyLast`). The row is marked
 * Deleting before the others are counted, so of two last uses released at once at least one destroys it (a destroy
 * is idempotent), and a crash in between leaves the row to be released again.
 */
export async function releaseShared(
  deps: StepDependencies,
  ctx: OperationContext,
  row: ManagedResourceEntity,
  context: StepContext,
  destroyLast: () => Promise<void>,
): Promise<StepResult> {
  const { environmentName: environment, applicationName: application } = ctx.operation;
  await deps.resources.update(resourceKey(ctx, row.component), { phase: 'Deleting' });
  const home = (await homeOf(deps, environment, application)) ?? environment;
  const others = (await sharedUsesOfHome(deps, home, application, row.component, environment)).filter(
    (use) => use.sharedOwner === row.sharedOwner && use.phase !== 'Deleting' && use.phase !== 'Deleted',
  );
  if (others.length > 0) {
    const names = others.map((use) => use.environmentName).join(', ');
    context.log.log(
      'info',
      `${row.component} is shared: kept, still used by environment${others.length > 1 ? 's' : ''} ${names}`,
    );
    await deps.resources.remove(row);
    return { shared: 'released', usedBy: others.map((use) => use.environmentName) };
  }
  await destroyLast();
  stillOurs(context);
  await deps.resources.remove(row);
  return { externalIds: row.externalIds, shared: 'destroyed' };
}
