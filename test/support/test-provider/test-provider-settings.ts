import { jsonPointer, ProviderErrorCode, type JsonObject, type ValidationProblem } from '@berth/core';

export type TestAction = 'apply' | 'destroy' | 'refresh';
const ACTIONS: readonly TestAction[] = ['apply', 'destroy', 'refresh'];

/** How the test provider behaves for one component (or for every component, under the key `*`). */
export interface ComponentBehaviour {
  /** Every call (apply, destroy, refresh) takes this long; the request's signal cuts it short. */
  delayMs?: number;
  /** The first N calls of each action in `actions` fail with a retryable (Transient) error, then calls succeed. */
  failTimes?: number;
  /** Every call of each action in `actions` fails with a non-retryable error (this message, when a string). */
  failPermanently?: boolean | string;
  /** The error code of `failPermanently` (default InvalidRequest). */
  failCode?: ProviderErrorCode;
  /** Calls of each action in `actions` never finish until their signal aborts. */
  hang?: boolean;
  /** Which actions failTimes, failPermanently and hang apply to; default apply and destroy. */
  actions?: TestAction[];
  /** refresh reports drift. */
  drift?: boolean;
}

/** End the process abruptly (SIGKILL) at a chosen point; each point fires once per inventory file. */
export interface ExitPoint {
  /** A component name, or `*` for any. */
  component: string;
  when: 'before' | 'after';
  action: 'apply' | 'destroy';
  /** Fire at the n-th matching call (default 1). */
  nth?: number;
}

export interface TestProviderSettings {
  /** Where the inventory lives; else BERTH_TEST_PROVIDER_INVENTORY. */
  inventoryPath?: string;
  components?: Record<string, ComponentBehaviour>;
  exitAt?: ExitPoint;
}

export const INVENTORY_ENV = 'BERTH_TEST_PROVIDER_INVENTORY';
/** `<component|*>:<before|after>:<apply|destroy>[:<nth>]`, e.g. `db:after:apply` or `*:before:destroy:3`. */
export const EXIT_AT_ENV = 'BERTH_TEST_PROVIDER_EXIT_AT';

export function inventoryPathOf(
  settings: TestProviderSettings,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return settings.inventoryPath ?? env[INVENTORY_ENV] ?? undefined;
}

export function behaviourOf(settings: TestProviderSettings, component: string): ComponentBehaviour {
  return { ...settings.components?.['*'], ...settings.components?.[component] };
}

export function appliesTo(behaviour: ComponentBehaviour, action: TestAction): boolean {
  return (behaviour.actions ?? ['apply', 'destroy']).includes(action);
}

export function parseExitPoint(text: string | undefined): ExitPoint | undefined {
  if (!text) return undefined;
  const [component, when, action, nth] = text.split(':');
  if (!component || (when !== 'before' && when !== 'after') || (action !== 'apply' && action !== 'destroy')) {
    throw new Error(
      `${EXIT_AT_ENV} must look like <component|*>:<before|after>:<apply|destroy>[:<nth>], got ${JSON.stringify(text)}`,
    );
  }
  const n = nth === undefined ? 1 : Number(nth);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${EXIT_AT_ENV}: nth must be a positive integer`);
  return { component, when, action, nth: n };
}

export function exitPointKey(point: ExitPoint): string {
  return `${point.component}:${point.when}:${point.action}:${point.nth ?? 1}`;
}

/** Problems with JSON pointers relative to the profile's settings. */
export function validateTestSettings(settings: JsonObject): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const known = new Set(['inventoryPath', 'components', 'exitAt']);
  for (const key of Object.keys(settings))
    if (!known.has(key)) problems.push({ path: jsonPointer(key), message: `unknown setting ${key}` });
  if (
    settings.inventoryPath !== undefined &&
    (typeof settings.inventoryPath !== 'string' || settings.inventoryPath === '')
  ) {
    problems.push({ path: jsonPointer('inventoryPath'), message: 'must be a non-empty string' });
  }
  if (settings.components !== undefined) {
    if (!isObject(settings.components))
      problems.push({ path: jsonPointer('components'), message: 'must be an object' });
    else
      for (const [name, value] of Object.entries(settings.components))
        problems.push(...validateBehaviour(value, ['components', name]));
  }
  if (settings.exitAt !== undefined) {
    const exitAt = settings.exitAt;
    if (!isObject(exitAt)) problems.push({ path: jsonPointer('exitAt'), message: 'must be an object' });
    else {
      if (typeof exitAt.component !== 'string' || exitAt.component === '')
        problems.push({ path: jsonPointer('exitAt', 'component'), message: 'must name a component or *' });
      if (exitAt.when !== 'before' && exitAt.when !== 'after')
        problems.push({ path: jsonPointer('exitAt', 'when'), message: 'must be before or after' });
      if (exitAt.action !== 'apply' && exitAt.action !== 'destroy')
        problems.push({ path: jsonPointer('exitAt', 'action'), message: 'must be apply or destroy' });
      if (exitAt.nth !== undefined && !(Number.isInteger(exitAt.nth) && (exitAt.nth as number) >= 1))
        problems.push({ path: jsonPointer('exitAt', 'nth'), message: 'must be a positive integer' });
    }
  }
  return problems;
}

function validateBehaviour(value: unknown, at: string[]): ValidationProblem[] {
  if (!isObject(value)) return [{ path: jsonPointer(...at), message: 'must be an object' }];
  const problems: ValidationProblem[] = [];
  for (const key of ['delayMs', 'failTimes'] as const) {
    const n = value[key];
    if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 0))
      problems.push({ path: jsonPointer(...at, key), message: 'must be a non-negative integer' });
  }
  if (
    value.failPermanently !== undefined &&
    typeof value.failPermanently !== 'boolean' &&
    typeof value.failPermanently !== 'string'
  ) {
    problems.push({ path: jsonPointer(...at, 'failPermanently'), message: 'must be a boolean or a message' });
  }
  if (value.failCode !== undefined && !Object.values(ProviderErrorCode).includes(value.failCode as ProviderErrorCode)) {
    problems.push({
      path: jsonPointer(...at, 'failCode'),
      message: `must be one of ${Object.values(ProviderErrorCode).join(', ')}`,
    });
  }
  for (const key of ['hang', 'drift'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean')
      problems.push({ path: jsonPointer(...at, key), message: 'must be a boolean' });
  }
  if (
    value.actions !== undefined &&
    !(Array.isArray(value.actions) && value.actions.every((a) => ACTIONS.includes(a as TestAction)))
  ) {
    problems.push({ path: jsonPointer(...at, 'actions'), message: `must list actions of ${ACTIONS.join(', ')}` });
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
