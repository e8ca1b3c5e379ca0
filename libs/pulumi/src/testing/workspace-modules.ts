import { moduleBeside } from '../program/program-module';

/** `*crash*`, `*hang*`, `*slow*` and healthy runs by stack name (see scripted-workspace.ts). */
export const SCRIPTED_WORKSPACE_MODULE = moduleBeside(__filename, __dirname, 'scripted-workspace');

/** `up` runs the provider's real program under Pulumi's mocks (see mocked-engine-workspace.ts). */
export const MOCKED_ENGINE_WORKSPACE_MODULE = moduleBeside(__filename, __dirname, 'mocked-engine-workspace');
