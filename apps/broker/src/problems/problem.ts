import type { ValidationProblem } from '@berth/core';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://berth.dev/problems/';

/** An RFC 9457 problem document, as every error response carries it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: ValidationProblem[];
  /** The request id, to find the request in the logs. */
  requestId?: string;
}
