// Starts the local provider, applies one oss component (which builds the AWS SDK's S3 client), emits a warning of its
// own and exits: what a test reads from stderr to see which warnings a start prints. Input: BERTH_DATA_DIR.
import { LocalResourceProvider } from '@berth/provider-local';
import { request } from '../local-request.fixture';

async function main(): Promise<void> {
  const provider = new LocalResourceProvider({ dataDir: process.env.BERTH_DATA_DIR! });
  await provider.start();
  await provider.apply(request({ type: 'oss', component: 'files' }), { log: () => undefined });
  process.emitWarning('a warning of our own still prints');
  await provider.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`oss child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
