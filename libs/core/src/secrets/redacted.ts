/** What stands in for a secret value wherever one is shown masked: documents, manifests, logs, environment views. */
export const REDACTED = '<redacted>';
