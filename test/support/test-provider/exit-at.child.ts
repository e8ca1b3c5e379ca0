/**
 * Child process for the test provider's crash test: applies (or destroys) the components named in argv in order with
 * the real exit behaviour (SIGKILL to itself), printing each completed call. Run with `node --import tsx`.
 */
import { SILENT_LOG, type CloudComponentType, type ResourceRequest } from '@berth/core';
import { TestResourceProvider } from './test.provider';

async function main(): Promise<void> {
  const [action, ...components] = process.argv.slice(2);
  const provider = new TestResourceProvider();
  for (const component of components) {
    const request: ResourceRequest = {
      environment: 'crash',
      application: 'app',
      component,
      type: 'oss' as CloudComponentType,
      profile: { kind: 'test', settings: {} },
      properties: {},
      secretProperties: {},
      dependencies: {},
      externalIds: {},
      idempotencyKey: `crash/app/${component}`,
      signal: new AbortController().signal,
    };
    if (action === 'destroy') await provider.destroy(request, SILENT_LOG);
    else await provider.apply(request, SILENT_LOG);
    process.stdout.write(`${action}:${component}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(String(error) + '\n');
  process.exit(1);
});
