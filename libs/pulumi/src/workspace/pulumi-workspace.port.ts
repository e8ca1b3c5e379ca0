import type { EngineEvent } from '@pulumi/pulumi/automation';

/** Where and how a stack lives: everything the automation API needs besides the program. */
export interface StackSettings {
  projectName: string;
  stackName: string;
  /** `file:///…` or `s3://…` (OSS through its S3-compatible endpoint). */
  backendUrl: string;
  /** One directory per operation, removed afterwards. */
  workDir: string;
  /** Shared across operations so provider plugins are downloaded once. */
  pulumiHome: string;
  /** Path or name of the `pulumi` binary. */
  pulumiCommand: string;
  /** Passphrase of the passphrase secrets provider. */
  passphrase: string;
}

export type StackConfig = Record<string, { value: string; secret?: boolean }>;
export type StackOutputs = Record<string, { value: unknown; secret: boolean }>;
export type OpCounts = Partial<Record<string, number>>;

export interface StackRunOptions {
  onEvent: (event: EngineEvent) => void;
  signal?: AbortSignal;
}

/** The few stack operations the driver uses: a small interface over the automation API's Stack. */
export interface PulumiStackHandle {
  setConfig(config: StackConfig): Promise<void>;
  up(options: StackRunOptions): Promise<{ outputs: StackOutputs }>;
  preview(options: StackRunOptions): Promise<{ changeSummary: OpCounts }>;
  refresh(options: StackRunOptions): Promise<{ resourceChanges: OpCounts }>;
  destroy(options: StackRunOptions): Promise<void>;
  /** Cancels the update in progress; on a self-managed backend this removes the stack's lock. */
  cancel(): Promise<void>;
  /** Removes the stack (and its history) from the backend. */
  remove(): Promise<void>;
}

export interface StackLock {
  pid?: number;
  hostname?: string;
  timestamp?: Date;
}

/** Opens stacks; the real one is over LocalWorkspace, tests inject their own. */
export interface PulumiWorkspace {
  openStack(settings: StackSettings, program: () => Promise<Record<string, unknown>>): Promise<PulumiStackHandle>;
  /** Locks held on the stack, where the backend lets us read them (the file backend); undefined when it cannot tell. */
  listLocks?(settings: StackSettings): Promise<StackLock[] | undefined>;
}
