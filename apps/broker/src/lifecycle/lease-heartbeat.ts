/**
 * Keeps a lease (an operation's, a workflow run's): renews it every third of `leaseMs`, so a lease covers three
 * beats, and calls `lost` when a renewal answers that it is no longer ours (expired and taken over, or ended). A
 * renewal that fails (the database briefly away) is retried at the next beat. Returns what stops the beats.
 */
export function keepLease(renew: () => Promise<boolean>, leaseMs: number, lost: () => void): () => void {
  const timer = setInterval(
    () => {
      renew().then(
        (ok) => {
          if (!ok) lost();
        },
        () => undefined,
      );
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  return () => clearInterval(timer);
}
