import type { Application, ComponentStatus } from '../client/api.types';
import { phaseColor, type Palette } from './colors';
import { visibleWidth } from './table';

/** The message of a component's last error, whatever shape the server sent it in. */
export function errorMessage(error: unknown): string | undefined {
  if (error === null || error === undefined || error === '') return undefined;
  if (typeof error === 'string') return error;
  if (typeof error === 'object') {
    const { message, code } = error as { message?: unknown; code?: unknown };
    if (typeof message === 'string') return typeof code === 'string' ? `${message} (${code})` : message;
  }
  return JSON.stringify(error);
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

function componentDetails(component: ComponentStatus, c: Palette): [string, string][] {
  const details: [string, string][] = [];
  for (const [key, value] of Object.entries(component.outputs ?? {})) details.push([key, value]);
  if (component.secret) {
    details.push([
      'secret',
      `${component.secret.name} v${component.secret.version} (${component.secret.keys.length} keys)`,
    ]);
  }
  const failing = component.conditions?.find((cond) => cond.status === 'False' && cond.message);
  const error = errorMessage(component.lastError);
  if (error) details.push([c.red('error'), c.red(error)]);
  else if (failing && component.phase !== 'Ready')
    details.push([failing.reason ?? failing.type, failing.message ?? '']);
  return details;
}

/**
 * `berth status APP`: the application's phase, then one branch per component with its type, phase and provider, its
 * non-secret outputs, its connection secret (name, version and key count; never values) and its last error.
 */
export function formatStatusTree(app: Application, c: Palette): string {
  const status = app.status;
  const phase = status?.phase ?? 'Unknown';
  const meta = [`generation ${app.metadata.generation ?? '?'}`];
  if (status?.observedGeneration !== undefined && status.observedGeneration !== app.metadata.generation) {
    meta.push(`observed ${status.observedGeneration}`);
  }
  if (app.metadata.environment) meta.push(`env ${app.metadata.environment}`);
  if (app.metadata.deliveredFrom) meta.push(`delivered from ${app.metadata.deliveredFrom}`);
  const lines = [`${c.bold(app.metadata.name)}  ${phaseColor(c, phase)(phase)}  ${c.dim(meta.join(' · '))}`];
  const ready = status?.conditions?.find((cond) => cond.type === 'Ready');
  if (ready?.message) lines.push(`│ ${c.dim(ready.message)}`);

  const components = status?.components ?? [];
  const nameWidth = Math.max(0, ...components.map((comp) => comp.name.length));
  const typeWidth = Math.max(0, ...components.map((comp) => comp.type.length));
  components.forEach((component, index) => {
    const last = index === components.length - 1;
    const branch = last ? '└── ' : '├── ';
    const stem = last ? '    ' : '│   ';
    const provider = component.provider ? c.dim(` (${component.provider})`) : '';
    lines.push(
      `${branch}${pad(c.bold(component.name), nameWidth)}  ${pad(component.type, typeWidth)}  ${phaseColor(c, component.phase)(component.phase)}${provider}`,
    );
    const details = componentDetails(component, c);
    const keyWidth = Math.max(0, ...details.map(([key]) => visibleWidth(key)));
    for (const [key, value] of details) lines.push(`${stem}  ${pad(key, keyWidth)}  ${value}`.trimEnd());
  });
  if (components.length === 0) {
    const deliveredElsewhere = (status?.deliveries?.length ?? 0) > 0 && app.spec.components.length === 0;
    lines.push(
      c.dim(
        deliveredElsewhere
          ? '└── (no components here: delivered to the environments below)'
          : '└── (no component status yet)',
      ),
    );
  }

  const op = status?.lastOperation;
  if (op) lines.push(`last operation: ${op.kind} ${op.id} ${phaseColor(c, op.state)(op.state)}`);
  return lines.join('\n') + '\n';
}

/**
 * `berth status APP` of an Application with a topology: its home's tree, then one tree per environment it is
 * delivered to (each fetched from that environment; one that could not be read shows why).
 */
export function formatDeliveryTrees(
  home: Application,
  deliveries: ReadonlyArray<Application | { environment: string; error: string }>,
  c: Palette,
): string {
  const parts = [formatStatusTree(home, c)];
  for (const delivery of deliveries) {
    if ('error' in delivery) parts.push(`${c.bold(delivery.environment)}  ${c.red(delivery.error)}\n`);
    else parts.push(formatStatusTree(delivery, c));
  }
  return parts.join('\n');
}
