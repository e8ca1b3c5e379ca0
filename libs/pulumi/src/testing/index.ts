/** Test helpers of @berth/pulumi (`@berth/pulumi/testing`): injected workspaces, Pulumi's mocks, a test cloud. */
export * from './fake-workspace';
export * from './mocked-engine';
export * from './recording-log';
export { testConfigurator } from './test-configurator';

/** Workspace modules a runner process loads by path (ForkJobLauncher's `workspaceModule`). */
export { SCRIPTED_WORKSPACE_MODULE, MOCKED_ENGINE_WORKSPACE_MODULE } from './workspace-modules';
