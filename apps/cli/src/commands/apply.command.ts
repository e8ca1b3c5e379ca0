import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { formatDuration } from '@berth/core';
import type { CliContext, CommonOptions } from '../cli.context';
import { CliError, CliErrorCode } from '../cli.error';
import type { ApplyResult } from '../client/api.types';
import { formatStructured } from '../output/structured';
import { formatWarnings } from '../output/warning.printer';
import { waitForApplication } from '../wait/application.waiter';
import { rendererFactory, withWait } from './wait-options';

interface ApplyOptions extends CommonOptions {
  filename: string;
  wait?: boolean;
  dryRun?: boolean;
  timeout: number;
}

export interface ApplyInput {
  source: string;
  text: string;
  contentType: 'application/yaml' | 'application/json';
  name: string;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Works out how to send a document and under which name: JSON when the file ends in .json (or stdin starts with `{`),
 * YAML otherwise; the application name is its metadata.name. Syntax errors are reported here with their line.
 */
export function prepareInput(source: string, text: string): ApplyInput {
  const label = source === '-' ? 'stdin' : source;
  const json = source === '-' ? text.trimStart().startsWith('{') : extname(source).toLowerCase() === '.json';
  let document: unknown;
  if (json) {
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new CliError(CliErrorCode.Input, `${label} is not valid JSON`, undefined, [(error as Error).message]);
    }
  } else {
    const parsed = parseDocument(text, { prettyErrors: true });
    if (parsed.errors.length > 0) {
      throw new CliError(
        CliErrorCode.Input,
        `${label} is not valid YAML`,
        undefined,
        parsed.errors.map((e) => e.message.split('\n')[0].replace(/:$/, '')),
      );
    }
    document = parsed.toJS();
  }
  const name = (document as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new CliError(CliErrorCode.Input, `${label} does not name its application`, undefined, [
      '/metadata/name: required (the application is stored under this name)',
    ]);
  }
  return { source, text, contentType: json ? 'application/json' : 'application/yaml', name };
}

function describeResult(status: number, body: ApplyResult): string {
  if (body.unchanged) return 'unchanged';
  return status === 201 ? 'created' : 'configured';
}

async function apply(ctx: CliContext, options: ApplyOptions): Promise<void> {
  const text =
    options.filename === '-'
      ? await readAll(ctx.io.stdin)
      : await readFile(resolve(ctx.io.cwd, options.filename), 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new CliError(
            CliErrorCode.Input,
            `cannot read ${options.filename}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
          );
        });
  const input = prepareInput(options.filename, text);
  const { status, body } = await ctx.client.putApplication(
    options.env,
    input.name,
    input.text,
    input.contentType,
    options.dryRun === true,
  );
  // Warnings go to stderr, each once, before anything else: they are about the document, whatever is printed next.
  ctx.err(formatWarnings(body.warnings, ctx.errorColors));

  if (options.dryRun) {
    // The normalized application as the server would store it; nothing was stored.
    const { operation: _operation, unchanged: _unchanged, warnings: _warnings, dryRun: _dryRun, ...application } = body;
    ctx.err(
      ctx.errorColors.dim(`dry run: ${input.name} is valid for environment ${options.env}; nothing was stored\n`),
    );
    ctx.out(formatStructured(application, options.output ?? 'yaml'));
    return;
  }

  const generation = body.metadata?.generation;
  const operation = body.operation;
  const summary =
    `application/${input.name} ${describeResult(status, body)} in ${options.env}` +
    (generation !== undefined ? ` (generation ${generation})` : '');
  if (options.output) {
    ctx.err(summary + '\n');
  } else {
    ctx.out(
      `${ctx.colors.bold(summary)}${operation ? ctx.colors.dim(`; ${operation.kind} operation ${operation.id} ${operation.state.toLowerCase()}`) : ''}\n`,
    );
  }
  if (!options.wait) {
    ctx.structured(options, body);
    return;
  }
  const started = Date.now();
  const final = await waitForApplication(
    ctx.client,
    {
      kind: 'apply',
      env: options.env,
      app: input.name,
      operationId: operation?.id,
      generation,
      timeoutMs: options.timeout,
      withEvents: ctx.interactive,
    },
    rendererFactory(ctx, `apply ${input.name}`, input.name, options.output !== undefined),
  );
  if (!ctx.structured(options, final.app)) {
    ctx.out(
      `${ctx.colors.green('✓')} ${input.name} is Ready in ${options.env}${final.app?.status?.workflow ? ', its workflow succeeded' : ''} (${formatDuration(Date.now() - started)})\n`,
    );
  }
}

export function registerApplyCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('apply')
    .description('create or update an application from an OAM Application file (YAML or JSON)')
    .requiredOption('-f, --filename <file>', 'the Application file, or - to read it from stdin')
    .option('--dry-run', 'validate and print the normalized application without storing anything');
  withWait(command, 'the application is Ready (and its workflow succeeded: each step is shown as it goes)');
  ctx.withEnv(command);
  ctx.withOutput(command);
  command.addHelpText(
    'after',
    '\nExamples:\n  berth apply -f examples/quickstart.yaml --wait\n  cat app.yaml | berth apply -f - --env staging --dry-run',
  );
  command.action((options: ApplyOptions) => apply(ctx, options));
}
