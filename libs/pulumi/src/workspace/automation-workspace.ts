import { readdir, readFile } from 'node:fs/promises';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalWorkspace, PulumiCommand, type Stack } from '@pulumi/pulumi/automation';
import type {
  PulumiStackHandle,
  PulumiWorkspace,
  StackLock,
  StackSettings,
  StackOutputs,
} from './pulumi-workspace.port';

/** The real workspace: Pulumi's automation API, inline programs, a self-managed backend and passphrase secrets. */
export class AutomationWorkspace implements PulumiWorkspace {
  async openStack(
    settings: StackSettings,
    program: () => Promise<Record<string, unknown>>,
  ): Promise<PulumiStackHandle> {
    const pulumiCommand = await locateCommand(settings.pulumiCommand);
    const stack = await LocalWorkspace.createOrSelectStack(
      { projectName: settings.projectName, stackName: settings.stackName, program },
      {
        workDir: settings.workDir,
        pulumiHome: settings.pulumiHome,
        pulumiCommand,
        secretsProvider: 'passphrase',
        envVars: {
          PULUMI_CONFIG_PASSPHRASE: settings.passphrase,
          PULUMI_BACKEND_URL: settings.backendUrl,
          PULUMI_SKIP_UPDATE_CHECK: 'true',
          PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: 'true',
        },
        projectSettings: { name: settings.projectName, runtime: 'nodejs', backend: { url: settings.backendUrl } },
      },
    );
    return new AutomationStackHandle(stack);
  }

  async listLocks(settings: StackSettings): Promise<StackLock[] | undefined> {
    if (!settings.backendUrl.startsWith('file://')) return undefined;
    const root = join(fileURLToPath(settings.backendUrl), '.pulumi', 'locks');
    const dirs = await findDirs(root, settings.stackName, 4);
    const locks: StackLock[] = [];
    for (const dir of dirs) {
      for (const file of await readdir(dir).catch(() => [] as string[])) {
        if (!file.endsWith('.json')) continue;
        try {
          const raw = JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>;
          const pid = Number(raw.pid ?? raw.Pid);
          const hostname = raw.hostname ?? raw.Hostname;
          const ts = raw.timestamp ?? raw.Timestamp;
          locks.push({
            ...(Number.isInteger(pid) ? { pid } : {}),
            ...(typeof hostname === 'string' ? { hostname } : {}),
            ...(typeof ts === 'string' ? { timestamp: new Date(ts) } : {}),
          });
        } catch {
          locks.push({});
        }
      }
    }
    return locks;
  }
}

class AutomationStackHandle implements PulumiStackHandle {
  constructor(private readonly stack: Stack) {}

  setConfig(config: Record<string, { value: string; secret?: boolean }>): Promise<void> {
    return this.stack.setAllConfig(
      Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v.value, secret: v.secret ?? false }])),
    );
  }

  async up(o: Parameters<PulumiStackHandle['up']>[0]): Promise<{ outputs: StackOutputs }> {
    const result = await this.stack.up({ onEvent: o.onEvent, signal: o.signal, color: 'never' });
    return { outputs: result.outputs as StackOutputs };
  }

  async preview(o: Parameters<PulumiStackHandle['preview']>[0]) {
    const result = await this.stack.preview({ onEvent: o.onEvent, signal: o.signal, color: 'never' });
    return { changeSummary: result.changeSummary };
  }

  async refresh(o: Parameters<PulumiStackHandle['refresh']>[0]) {
    const result = await this.stack.refresh({ onEvent: o.onEvent, signal: o.signal, color: 'never' });
    return { resourceChanges: result.summary.resourceChanges ?? {} };
  }

  async destroy(o: Parameters<PulumiStackHandle['destroy']>[0]): Promise<void> {
    await this.stack.destroy({ onEvent: o.onEvent, signal: o.signal, color: 'never' });
  }

  cancel(): Promise<void> {
    return this.stack.cancel();
  }

  remove(): Promise<void> {
    return this.stack.workspace.removeStack(this.stack.name);
  }
}

/** BERTH_PULUMI_COMMAND may be a full path: use its install root when laid out as `<root>/bin/pulumi`, else PATH. */
async function locateCommand(command: string): Promise<PulumiCommand> {
  if (command.includes('/')) {
    const dir = dirname(command);
    if (basename(command) === 'pulumi' && basename(dir) === 'bin') {
      return PulumiCommand.get({ root: dirname(dir), skipVersionCheck: true });
    }
    process.env.PATH = `${dir}${delimiter}${process.env.PATH ?? ''}`;
  }
  return PulumiCommand.get({ skipVersionCheck: true });
}

async function findDirs(root: string, name: string, depth: number): Promise<string[]> {
  if (depth < 0) return [];
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const path = join(root, e.name);
    if (e.name === name) found.push(path);
    else found.push(...(await findDirs(path, name, depth - 1)));
  }
  return found;
}
