import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeApiTestServer, type KubeApiTestServerOptions } from '../kube-api-server/kube-api.server';

/** A running test API server and a kubeconfig pointing at it, in a temp dir of its own. */
export interface KubeCluster {
  server: KubeApiTestServer;
  /** The temp dir holding the kubeconfig (a kubernetes runtime's `kubeconfigDirs`). */
  dir: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

/**
 * Starts the test API server (test/kube-api-server) and writes a kubeconfig for it: the setup every suite running
 * the kubernetes runtime against it shares. `kubeconfig` names the context / default namespace written into it.
 */
export async function startKubeCluster(
  options: KubeApiTestServerOptions & { kubeconfig?: { context?: string; namespace?: string } } = {},
  server = new KubeApiTestServer(options),
): Promise<KubeCluster> {
  await server.start();
  const dir = await mkdtemp(join(tmpdir(), 'berth-kube-'));
  try {
    const kubeconfig = await server.writeKubeconfig(join(dir, 'kubeconfig'), options.kubeconfig ?? {});
    return {
      server,
      dir,
      kubeconfig,
      stop: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
