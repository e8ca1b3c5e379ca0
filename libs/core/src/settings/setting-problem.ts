/**
 * A bad environment variable, found when the service boots: the variable's name and what it expects, with what was
 * given (secrets shown as `<redacted>`), e.g. `{ variable: 'BERTH_PORT', message: 'must be … (got "abc")' }`.
 */
export interface SettingProblem {
  variable: string;
  message: string;
}

/** `BERTH_PORT: must be an integer between 0 and 65535 (got "abc")`: how boot prints one problem. */
export function formatSettingProblem(problem: SettingProblem): string {
  return `${problem.variable}: ${problem.message}`;
}
