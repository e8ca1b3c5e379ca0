import { jsonPointer, type ValidationProblem } from '@berth/core';
import type { ValidationError } from 'class-validator';

/** class-validator's error tree as flat `{path, message}` problems with JSON pointers. */
export function validationProblems(
  errors: ValidationError[],
  prefix: Array<string | number> = [],
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const error of errors) {
    const path = [...prefix, error.property];
    for (const message of Object.values(error.constraints ?? {})) {
      problems.push({ path: jsonPointer(...path), message: message.replace(new RegExp(`^${error.property} `), '') });
    }
    if (error.children?.length) problems.push(...validationProblems(error.children, path));
  }
  return problems;
}
