import type { Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { CliError, CliErrorCode } from '../cli.error';
import { BerthApiClient } from '../client/berth-api.client';
import { resolveToken, saveCredential } from '../client/credentials';
import { serverUrlFrom } from '../client/server-url';
import { formatTable } from '../output/table';
import { readAll } from './apply.command';

interface Whoami {
  subject: string;
  tokenName: string | null;
  groups: string[];
  roles: Array<{ role: string; scope: string }>;
}

interface TokenView {
  name: string;
  owner: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  scopes: string[];
}

const DURATION = /^(\d{1,6})(h|d)$/;

/** `--expires 30d` / `12h` → an ISO time from now. */
export function expiryFrom(text: string, now = Date.now()): string {
  const match = DURATION.exec(text.trim());
  if (!match)
    throw new CliError(
      CliErrorCode.Usage,
      `--expires must be a number of hours or days like 12h or 30d, not ${JSON.stringify(text)}`,
    );
  const hours = Number(match[1]) * (match[2] === 'd' ? 24 : 1);
  return new Date(now + hours * 3_600_000).toISOString();
}

/** `--role developer@environment:dev` → `{role, scope}`. */
export function roleFrom(text: string): { role: string; scope: string } {
  const at = text.indexOf('@');
  if (at <= 0 || at === text.length - 1)
    throw new CliError(
      CliErrorCode.Usage,
      `--role must be ROLE@SCOPE like developer@environment:dev, not ${JSON.stringify(text)}`,
    );
  return { role: text.slice(0, at), scope: text.slice(at + 1) };
}

export function registerAccessCommands(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('keep a token for $BERTH_URL in your config dir (read from stdin), after checking it with the server')
    .action(async () => {
      const token = (await readAll(ctx.io.stdin)).trim().split('\n')[0]?.trim() ?? '';
      if (!token)
        throw new CliError(CliErrorCode.Usage, 'berth login reads the token from stdin: echo $TOKEN | berth login');
      const url = serverUrlFrom(ctx.serverUrl);
      const me = await new BerthApiClient(url, token).get<Whoami>('/v1/whoami');
      const path = saveCredential(ctx.io.env, url, token);
      ctx.out(`logged in to ${url} as ${me.subject}; the token is kept in ${path}\n`);
    });

  const whoami = program.command('whoami').description('who the token in use identifies, and its roles');
  ctx.withOutput(whoami);
  whoami.action(async (options: CommonOptions) => {
    const me = await ctx.client.get<Whoami>('/v1/whoami');
    if (ctx.structured(options, me)) return;
    const source = resolveToken(ctx.io.env, ctx.io.cwd, ctx.client.url)?.source;
    ctx.out(`${me.subject}${source ? ctx.colors.dim(` (token from ${source})`) : ''}\n`);
    for (const binding of me.roles) ctx.out(`  ${binding.role} on ${binding.scope}\n`);
  });

  const token = program.command('token').description('create, list and revoke API tokens (admin)');
  token
    .command('create <name>')
    .description('create a token and print its secret (shown this once)')
    .option('--owner <owner>', 'who the token is for')
    .option('--expires <duration>', 'expire after this long, like 12h or 30d')
    .option('--role <role@scope...>', 'grant a role, like developer@environment:dev or viewer@service')
    .action(async (name: string, options: { owner?: string; expires?: string; role?: string[] }) => {
      const body = {
        name,
        ...(options.owner ? { owner: options.owner } : {}),
        ...(options.expires ? { expiresAt: expiryFrom(options.expires) } : {}),
        roles: (options.role ?? []).map(roleFrom),
      };
      const created = await ctx.client.request<TokenView & { token: string }>('POST', '/v1/tokens', {
        body: JSON.stringify(body),
        contentType: 'application/json',
      });
      ctx.out(`${created.body.token}\n`);
      ctx.err(
        `token ${name} created (${created.body.scopes.join(', ') || 'no roles'}); its secret is shown only now\n`,
      );
    });
  const list = token.command('list').description('list the tokens (never their secrets)');
  ctx.withOutput(list);
  list.action(async (options: CommonOptions) => {
    const { items } = await ctx.client.get<{ items: TokenView[] }>('/v1/tokens');
    if (ctx.structured(options, { items })) return;
    ctx.out(
      formatTable(
        ['name', 'owner', 'roles', 'expires', 'state'],
        items.map((t) => [
          t.name,
          t.owner,
          t.scopes.join(',') || '-',
          t.expiresAt ?? 'never',
          t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? 'expired' : 'active',
        ]),
      ),
    );
  });
  token
    .command('revoke <name>')
    .description('revoke a token: the next request made with it is refused')
    .action(async (name: string) => {
      await ctx.client.request('DELETE', `/v1/tokens/${encodeURIComponent(name)}`);
      ctx.out(`token ${name} revoked\n`);
    });
}
