import { expect } from 'vitest';
import type { Response } from 'supertest';

/** Asserts the RFC 9457 shape every error answer has, and returns the problem. */
export function expectProblem(
  response: Response,
  status: number,
): {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: Array<{ path: string; message: string }>;
} {
  expect(response.status, `body: ${response.text?.slice(0, 500)}`).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(response.text);
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^https:\/\/berth\.dev\/problems\//) });
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  expect(Array.isArray(problem.errors)).toBe(true);
  for (const error of problem.errors) {
    expect(typeof error.path).toBe('string');
    expect(typeof error.message).toBe('string');
  }
  return problem;
}
