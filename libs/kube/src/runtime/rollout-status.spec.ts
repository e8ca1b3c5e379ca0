import { describe, expect, it } from 'vitest';
import { deploymentRollout, jobRollout } from './rollout-status';

describe('deploymentRollout', () => {
  const deployment = (generation: number, replicas: number, status: Record<string, unknown>) => ({
    metadata: { generation },
    spec: { replicas },
    status,
  });

  it('waits until the controller has observed the current generation', () => {
    const state = deploymentRollout(
      deployment(3, 2, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
    );
    expect(state).toMatchObject({ done: false, failed: false });
    expect(state.message).toContain('observe');
  });

  it('waits for updated replicas, then for old ones to go, then for availability', () => {
    expect(
      deploymentRollout(deployment(2, 3, { observedGeneration: 2, replicas: 3, updatedReplicas: 1 })).message,
    ).toBe('1 of 3 replicas updated');
    expect(
      deploymentRollout(deployment(2, 3, { observedGeneration: 2, replicas: 4, updatedReplicas: 3 })).message,
    ).toBe('1 old replicas pending termination');
    expect(
      deploymentRollout(
        deployment(2, 3, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      ).message,
    ).toBe('2 of 3 updated replicas available');
    expect(
      deploymentRollout(
        deployment(2, 3, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      ),
    ).toMatchObject({ done: true });
  });

  it('is done at once for zero replicas, and failed on ProgressDeadlineExceeded', () => {
    expect(deploymentRollout(deployment(1, 0, { observedGeneration: 1 })).done).toBe(true);
    const stuck = deploymentRollout(
      deployment(1, 1, {
        observedGeneration: 1,
        conditions: [
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' },
        ],
      }),
    );
    expect(stuck).toEqual({ done: false, failed: true, message: 'rollout failed: timed out' });
  });
});

describe('jobRollout', () => {
  it('is done when Complete or enough pods succeeded, failed on the Failed condition, running otherwise', () => {
    expect(jobRollout({ spec: { completions: 2 }, status: { succeeded: 1, active: 1 } })).toMatchObject({
      done: false,
      failed: false,
    });
    expect(jobRollout({ spec: { completions: 2 }, status: { succeeded: 2 } })).toMatchObject({ done: true });
    expect(jobRollout({ status: { conditions: [{ type: 'Complete', status: 'True' }] } })).toMatchObject({
      done: true,
    });
    expect(
      jobRollout({ status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } }),
    ).toMatchObject({ failed: true });
  });
});
