import { extname, join } from 'node:path';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import type { Program, ProgramModule, ProgramRequest } from './program';

/**
 * The path of a module beside the caller's file, with the caller's extension: the compiled `.js` in dist, the
 * TypeScript source under vitest or tsx. For `programModule` of a configurator and the runner entry.
 */
export function moduleBeside(callerFilename: string, dir: string, basename: string): string {
  return join(dir, `${basename}${extname(callerFilename) === '.ts' ? '.ts' : '.js'}`);
}

/** Loads a program module (dynamic import: works for CommonJS in dist, TypeScript under vitest and tsx). */
export async function loadProgramModule(path: string): Promise<ProgramModule> {
  const mod = (await import(path)) as Partial<ProgramModule> & { default?: Partial<ProgramModule> };
  const found = mod.programs !== undefined ? mod : mod.default;
  if (found?.programs === undefined || typeof found.programs !== 'object') {
    throw new ProviderError(ProviderErrorCode.Internal, `the program module ${path} exports no \`programs\``);
  }
  return { programs: found.programs, ...(found.errorRules ? { errorRules: found.errorRules } : {}) };
}

/** The program for a request's type, or a clear refusal when the provider has none. */
export function programFor(module: ProgramModule, request: Pick<ProgramRequest, 'type' | 'component'>): Program {
  const program = module.programs[request.type];
  if (program === undefined) {
    throw new ProviderError(
      ProviderErrorCode.InvalidRequest,
      `component "${request.component}": this provider has no Pulumi program for type ${request.type}`,
    );
  }
  return program;
}
