import { readFile, readdir } from 'node:fs/promises';
import { authHeaders, ensureBuilt, startBerthServer, type BerthServer } from '../../test/cli/support/berth-process';

/**
 * Runs `work` against the built service as its own process (as `npm start` runs it) on a fresh data dir, building
 * first when a source changed; prints the service's output when the work fails, and stops the service in any case.
 */
export async function withService<T>(work: (server: BerthServer) => Promise<T>): Promise<T> {
  ensureBuilt();
  const server = await startBerthServer();
  try {
    return await work(server);
  } catch (error) {
    console.error(server.output());
    throw error;
  } finally {
    await server.stop();
  }
}

/** PUTs an application (YAML) into an environment of a running service; the apply operation's id. */
export async function putApplication(url: string, env: string, name: string, yaml: string): Promise<string> {
  const put = await fetch(`${url}/v1/environments/${env}/applications/${name}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/yaml', ...authHeaders(url) },
    body: yaml,
  });
  const body = (await put.json()) as { operation?: { id: string } };
  if (put.status !== 201 || !body.operation) throw new Error(`PUT answered ${put.status}: ${JSON.stringify(body)}`);
  return body.operation.id;
}

/** Polls the application until its phase is Ready (throws on Failed or after `timeoutMs`). */
export async function waitReady(url: string, env: string, name: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await fetch(`${url}/v1/environments/${env}/applications/${name}`, { headers: authHeaders(url) });
    const application = (await answer.json()) as { status: { phase: string } };
    if (application.status.phase === 'Ready') return;
    if (application.status.phase === 'Failed') throw new Error(`apply failed: ${JSON.stringify(application.status)}`);
    if (Date.now() > deadline) throw new Error(`${name} not Ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A process's resident set (VmRSS) in MiB, from /proc. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * Memory of the PostgreSQL processes serving `dataDir`'s embedded cluster, as their proportional set (PSS) summed:
 * shared buffers are counted once, not once per process as adding up RSS would.
 */
export async function embeddedPostgresPssMiB(dataDir: string): Promise<{ processes: number; pssMiB: number }> {
  const pidFile = await readFile(`${dataDir}/local/postgres/data/postmaster.pid`, 'utf8').catch(() => '');
  const postmaster = Number(pidFile.split('\n')[0]);
  if (!postmaster) return { processes: 0, pssMiB: 0 };
  let processes = 0;
  let kb = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (after the parenthesised command) is the parent pid.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number(entry) !== postmaster && parent !== postmaster) continue;
    const rollup = await readFile(`/proc/${entry}/smaps_rollup`, 'utf8').catch(() => '');
    kb += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    processes += 1;
  }
  return { processes, pssMiB: kb / 1024 };
}
