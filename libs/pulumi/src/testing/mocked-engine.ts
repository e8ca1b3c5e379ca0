import * as pulumi from '@pulumi/pulumi';
import type { StackConfig, StackOutputs } from '../workspace/pulumi-workspace.port';

/** One resource a program registered with the mocked engine. */
export interface MockedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider?: string;
  id: string;
}

/** One invoke (data source) a program made. */
export interface MockedCall {
  token: string;
  inputs: Record<string, unknown>;
  provider?: string;
}

export interface MockedEngineOptions {
  project?: string;
  stack: string;
  /** Stack config the program reads (`pulumi.Config`); secret entries are marked secret. */
  config?: StackConfig;
  /** What the cloud would compute for a resource, merged over its inputs as its state. */
  computed?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
  /** The answer of an invoke. */
  call?: (token: string, inputs: Record<string, unknown>) => Record<string, unknown>;
}

export interface MockedRun {
  resources: MockedResource[];
  calls: MockedCall[];
  /** What the program exported, resolved, with which values are Pulumi secrets. */
  outputs: StackOutputs;
}

/**
 * Runs a program against Pulumi's own mocks (`pulumi.runtime.setMocks`): no CLI, no engine, no cloud. Records the
 * resource graph and invokes, and resolves what the program exports.
 */
export async function runUnderMocks(
  program: () => Promise<Record<string, unknown>>,
  options: MockedEngineOptions,
): Promise<MockedRun> {
  const resources: MockedResource[] = [];
  const calls: MockedCall[] = [];
  if (options.config) {
    const entries = Object.entries(options.config);
    pulumi.runtime.setAllConfig(
      Object.fromEntries(entries.map(([key, entry]) => [key, entry.value])),
      entries.filter(([, entry]) => entry.secret).map(([key]) => key),
    );
  }
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = `${args.name}-id`;
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, id });
        return { id, state: { ...args.inputs, ...(options.computed?.(args.type, args.name, args.inputs) ?? {}) } };
      },
      call(args) {
        calls.push({ token: args.token, inputs: args.inputs, provider: args.provider });
        return options.call?.(args.token, args.inputs) ?? {};
      },
    },
    options.project ?? 'berth',
    options.stack,
    false,
  );
  const exported = await program();
  const outputs: StackOutputs = {};
  for (const [key, value] of Object.entries(exported)) outputs[key] = await resolve(value);
  // Let registrations queued behind the outputs settle.
  await new Promise((r) => setTimeout(r, 20));
  return { resources, calls, outputs };
}

async function resolve(value: unknown): Promise<{ value: unknown; secret: boolean }> {
  if (!pulumi.Output.isInstance(value)) return { value, secret: false };
  const output = value as pulumi.Output<unknown>;
  const resolved = await new Promise<unknown>((r) => output.apply((v) => r(v)));
  return { value: resolved, secret: await pulumi.isSecret(output) };
}
