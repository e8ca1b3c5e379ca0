import type { BoundVariable } from '../client/api.types';

export type EnvFormat = 'dotenv' | 'json' | 'shell';

export const ENV_FORMATS: readonly EnvFormat[] = ['dotenv', 'json', 'shell'];

const BARE_DOTENV = /^[A-Za-z0-9_.,:/@%+=-]*$/;
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A dotenv value that Node's `--env-file`/`util.parseEnv` and the `dotenv` package both read back unchanged. Neither
 * parser unescapes quotes, so the value is wrapped in a quote character it does not contain: single quotes first (fully
 * literal), then double quotes (unless the value holds a backslash sequence they would expand), then backticks.
 * Returns undefined when no quoting can carry the value.
 */
export function quoteDotenv(value: string): string | undefined {
  if (BARE_DOTENV.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"') && !/\\[nr]/.test(value)) return `"${value}"`;
  if (!value.includes('`')) return `\`${value}\``;
  return undefined;
}

/** A POSIX shell word that evaluates to exactly `value` (single quotes; an embedded quote becomes '\''). */
export function quoteShell(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function hidden(variable: BoundVariable): string {
  return `# ${variable.name} is sensitive; add --reveal to print it`;
}

export function formatDotenv(variables: BoundVariable[]): string {
  return variables
    .map((v) => {
      if (v.value === null) return hidden(v);
      const quoted = quoteDotenv(v.value);
      return quoted === undefined
        ? `# ${v.name} holds ', " and \` and cannot be written as dotenv; use --format json`
        : `${v.name}=${quoted}`;
    })
    .map((line) => line + '\n')
    .join('');
}

export function formatShell(variables: BoundVariable[]): string {
  return variables
    .map((v) => {
      if (!SHELL_NAME.test(v.name)) return `# ${v.name} is not a valid shell variable name`;
      if (v.value === null) return hidden(v);
      return `export ${v.name}=${quoteShell(v.value)}`;
    })
    .map((line) => line + '\n')
    .join('');
}

/** `{NAME: value}`; sensitive values that were not revealed are null. */
export function formatEnvJson(variables: BoundVariable[]): string {
  return JSON.stringify(Object.fromEntries(variables.map((v) => [v.name, v.value])), null, 2) + '\n';
}

export function formatEnv(variables: BoundVariable[], format: EnvFormat): string {
  switch (format) {
    case 'dotenv':
      return formatDotenv(variables);
    case 'shell':
      return formatShell(variables);
    case 'json':
      return formatEnvJson(variables);
  }
}
