import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { SettingProblem } from './setting-problem';

export type SettingsEnvironment = Readonly<Record<string, string | undefined>>;

/** The variables a settings class reads, each with what it expects in words (also its validation message). */
export type Expectations<Name extends string = string> = Readonly<Record<Name, string>>;

export interface EnvSettingsSpec<T extends object, Name extends string> {
  /** The class-validator class whose properties are the variables (explicit `@Transform`s: no decorator metadata). */
  settings: new () => T;
  expectations: Expectations<Name>;
  /** Variables whose value is never shown in a problem (passwords, keys). */
  secret?: readonly Name[];
}

export interface ReadSettings<T> {
  /** The transformed values; meaningful only when `problems` is empty. */
  values: T;
  /** One per bad variable, in the order of `expectations`. */
  problems: SettingProblem[];
}

/** Shows what was given without leaking credentials (a URL's password, a secret) and without flooding the line. */
function shown(raw: string, secret: boolean, isUrl: boolean): string {
  if (secret) return '<redacted>';
  let text = raw;
  if (isUrl) text = text.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:<redacted>@');
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return JSON.stringify(text);
}

/**
 * Reads the variables of `spec` from `env` and validates them with class-validator. Never throws: a bad variable is a
 * problem naming it, what it expects and what was given, e.g. `BERTH_PORT: must be … (got "abc")`, so the service can
 * report every bad variable of every part at once.
 */
export function readEnvSettings<T extends object, Name extends string>(
  spec: EnvSettingsSpec<T, Name>,
  env: SettingsEnvironment,
): ReadSettings<T> {
  const names = Object.keys(spec.expectations) as Name[];
  const raw: Partial<Record<Name, string>> = {};
  for (const name of names) if (env[name] !== undefined) raw[name] = env[name];
  const values = plainToInstance(spec.settings, raw);
  const errors = validateSync(values, { forbidUnknownValues: true });
  const secret = new Set<string>(spec.secret ?? []);
  const problems = names
    .filter((name) => errors.some((error) => error.property === name))
    .map((name) => ({
      variable: name,
      message: `${spec.expectations[name]} (got ${shown(raw[name] ?? '', secret.has(name), /URL$/.test(name))})`,
    }));
  return { values, problems };
}
