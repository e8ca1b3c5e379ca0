import type { PhaseChange, ProgressModel } from '../wait/progress.model';
import { phaseColor, type Palette } from './colors';
import { formatElapsed } from './duration';
import { visibleWidth } from './table';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Shows a `--wait` as it goes; `render` is called after each poll and on a timer, `finish` once at the end. */
export interface ProgressRenderer {
  changed(changes: PhaseChange[], now: number): void;
  tick(now: number): void;
  finish(now: number): void;
}

/** The live block drawn on a terminal: one line per component with a spinner (or ✓/✗), its phase and elapsed time. */
export function formatProgressBlock(
  model: ProgressModel,
  title: string,
  now: number,
  c: Palette,
  frame: number,
): string {
  const components = model.list();
  const nameWidth = Math.max(0, ...components.map((comp) => comp.name.length));
  const typeWidth = Math.max(0, ...components.map((comp) => comp.type.length));
  const appPhase = model.applicationPhase;
  const lines = [
    `${c.bold(title)}  ${appPhase ? phaseColor(c, appPhase)(appPhase) : c.dim('waiting')}  ${c.dim(formatElapsed(now - model.startedAt))}`,
  ];
  for (const comp of components) {
    const failed = comp.phase === 'Failed';
    const mark = failed
      ? c.red('✗')
      : comp.doneAt !== undefined
        ? c.green('✓')
        : c.cyan(SPINNER[frame % SPINNER.length]);
    const phase = phaseColor(c, comp.phase)(comp.phase);
    const line = `  ${mark} ${comp.name.padEnd(nameWidth)}  ${comp.type.padEnd(typeWidth)}  ${phase}${' '.repeat(Math.max(0, 13 - visibleWidth(comp.phase)))}${c.dim(formatElapsed(model.elapsed(comp, now)))}`;
    lines.push(
      comp.note && comp.doneAt === undefined
        ? `${line}  ${c.dim(comp.note.length > 60 ? `${comp.note.slice(0, 59)}…` : comp.note)}`
        : line,
    );
    if (comp.error) lines.push(`      ${c.red(comp.error)}`);
  }
  const steps = model.workflowSteps();
  if (steps.length > 0) {
    const { phase, resumeHint } = model.workflow;
    lines.push(`  ${c.bold('workflow')}  ${phase ?? ''}`);
    const width = Math.max(...steps.map((step) => step.name.length));
    for (const step of steps) {
      const mark = step.phase.startsWith('failed')
        ? c.red('✗')
        : step.phase === 'succeeded' || step.phase.startsWith('skipped')
          ? c.green('✓')
          : step.phase === 'pending'
            ? c.dim('·')
            : c.cyan(SPINNER[frame % SPINNER.length]);
      const where = step.targets ? c.dim(`  [${step.targets}]`) : '';
      lines.push(`  ${mark} ${step.name.padEnd(width)}  ${c.dim(step.type)}  ${step.phase}${where}`);
      if (step.waiting && resumeHint) lines.push(`      ${c.yellow(`waiting for approval: ${resumeHint}`)}`);
      if (step.message && step.phase.startsWith('failed')) lines.push(`      ${c.red(step.message)}`);
    }
  }
  return lines.join('\n');
}

/** One plain line per change, for pipes and CI logs: `[12s] db: Ready`. */
export function formatChangeLine(change: PhaseChange, appName: string): string {
  return `[${formatElapsed(change.elapsedMs)}] ${change.component || appName}: ${change.phase}`;
}

export class PlainProgressRenderer implements ProgressRenderer {
  constructor(
    private readonly appName: string,
    private readonly write: (text: string) => void,
  ) {}

  changed(changes: PhaseChange[]): void {
    for (const change of changes) this.write(formatChangeLine(change, this.appName) + '\n');
  }

  tick(): void {}

  finish(): void {}
}

type LogUpdate = ((...text: string[]) => void) & { done(): void; clear(): void };

/** Redraws the progress block in place with log-update (ESM-only, so it is loaded with a dynamic import). */
export class TtyProgressRenderer implements ProgressRenderer {
  private frame = 0;

  private constructor(
    private readonly model: ProgressModel,
    private readonly title: string,
    private readonly c: Palette,
    private readonly log: LogUpdate,
  ) {}

  static async create(
    model: ProgressModel,
    title: string,
    c: Palette,
    stream: NodeJS.WriteStream,
  ): Promise<TtyProgressRenderer> {
    const { createLogUpdate } = await import('log-update');
    return new TtyProgressRenderer(model, title, c, createLogUpdate(stream) as LogUpdate);
  }

  changed(_changes: PhaseChange[], now: number): void {
    this.tick(now);
  }

  tick(now: number): void {
    this.frame += 1;
    this.log(formatProgressBlock(this.model, this.title, now, this.c, this.frame));
  }

  finish(now: number): void {
    this.tick(now);
    this.log.done();
  }
}
