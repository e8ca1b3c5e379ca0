/**
 * The subset of KubeVela's step `if` expressions Berth carries out:
 *   always
 *   status.<step>.phase == "succeeded"   (or !=; phases: succeeded, failed, skipped, running, pending, suspending)
 *   status.<step>.succeeded | .failed | .skipped | .timeout
 *   status["<step-name>"].…              (for names that are not identifiers)
 *   !x   x && y   x || y   (x)   true   false
 * Anything else (inputs, context, arithmetic, CUE functions) is refused with the position it starts at.
 */
export type StepCondition =
  | { kind: 'always' }
  | { kind: 'literal'; value: boolean }
  | { kind: 'flag'; step: string; flag: 'succeeded' | 'failed' | 'skipped' | 'timeout' }
  | { kind: 'phase'; step: string; equals: boolean; phase: string }
  | { kind: 'not'; operand: StepCondition }
  | { kind: 'and' | 'or'; left: StepCondition; right: StepCondition };

/** What a condition reads of an earlier step. */
export interface StepOutcomeView {
  phase: string;
  /** Failed because its timeout passed. */
  timedOut: boolean;
}

export class StepConditionError extends Error {}

const PHASES = ['succeeded', 'failed', 'skipped', 'running', 'pending', 'suspending'];
const FLAGS = ['succeeded', 'failed', 'skipped', 'timeout'] as const;

type Token = { kind: 'ident' | 'string' | 'op'; text: string; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const op = /^(==|!=|&&|\|\||[!().[\]])/.exec(rest);
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    const string = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (op) tokens.push({ kind: 'op', text: op[0], at: i });
    else if (ident) tokens.push({ kind: 'ident', text: ident[0], at: i });
    else if (string) tokens.push({ kind: 'string', text: JSON.parse(string[0]) as string, at: i });
    else throw new StepConditionError(`cannot read "${rest.slice(0, 12)}" at position ${i + 1}`);
    i += (op ?? ident ?? string)![0].length;
  }
  return tokens;
}

/** Parses an `if` expression; throws StepConditionError with a message naming what is wrong and where. */
export function parseStepCondition(source: string): StepCondition {
  const text = source.trim();
  if (text === 'always') return { kind: 'always' };
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const where = () => (peek() ? `at position ${peek().at + 1}` : 'at the end');
  const expect = (text: string) => {
    if (peek()?.text !== text || peek()?.kind === 'string')
      throw new StepConditionError(`expected "${text}" ${where()}`);
    position += 1;
  };

  const parseOr = (): StepCondition => {
    let left = parseAnd();
    while (peek()?.kind === 'op' && peek().text === '||') {
      position += 1;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): StepCondition => {
    let left = parseUnary();
    while (peek()?.kind === 'op' && peek().text === '&&') {
      position += 1;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): StepCondition => {
    const token = peek();
    if (!token) throw new StepConditionError('expected a condition at the end');
    if (token.kind === 'op' && token.text === '!') {
      position += 1;
      return { kind: 'not', operand: parseUnary() };
    }
    if (token.kind === 'op' && token.text === '(') {
      position += 1;
      const inner = parseOr();
      expect(')');
      return inner;
    }
    if (token.kind === 'ident' && (token.text === 'true' || token.text === 'false')) {
      position += 1;
      return { kind: 'literal', value: token.text === 'true' };
    }
    if (token.kind === 'ident' && token.text === 'status') return parseStatus();
    if (token.kind === 'ident' && token.text === 'always') {
      throw new StepConditionError('"always" stands alone: write if: always');
    }
    if (token.kind === 'ident' && (token.text === 'inputs' || token.text === 'context')) {
      throw new StepConditionError(`${token.text} are not carried out by Berth in conditions; use status.<step>.…`);
    }
    throw new StepConditionError(`expected status.<step>…, !, ( or true/false ${where()}`);
  };
  const parseStatus = (): StepCondition => {
    position += 1; // status
    let step: string;
    if (peek()?.kind === 'op' && peek().text === '[') {
      position += 1;
      const name = peek();
      if (name?.kind !== 'string') throw new StepConditionError(`expected a quoted step name ${where()}`);
      step = name.text;
      position += 1;
      expect(']');
    } else {
      expect('.');
      const name = peek();
      if (name?.kind !== 'ident') throw new StepConditionError(`expected a step name ${where()}`);
      step = name.text;
      position += 1;
    }
    expect('.');
    const field = peek();
    if (field?.kind !== 'ident')
      throw new StepConditionError(`expected phase, succeeded, failed, skipped or timeout ${where()}`);
    position += 1;
    if (field.text === 'phase') {
      const op = peek();
      if (op?.kind !== 'op' || (op.text !== '==' && op.text !== '!=')) {
        throw new StepConditionError(`expected == or != after status.${step}.phase ${where()}`);
      }
      position += 1;
      const value = peek();
      if (value?.kind !== 'string') throw new StepConditionError(`expected a quoted phase ${where()}`);
      if (!PHASES.includes(value.text)) {
        throw new StepConditionError(`"${value.text}" is not a step phase; expected one of ${PHASES.join(', ')}`);
      }
      position += 1;
      return { kind: 'phase', step, equals: op.text === '==', phase: value.text };
    }
    if ((FLAGS as readonly string[]).includes(field.text)) {
      return { kind: 'flag', step, flag: field.text as (typeof FLAGS)[number] };
    }
    throw new StepConditionError(`status.${step}.${field.text} is not known; expected phase, ${FLAGS.join(', ')}`);
  };

  const condition = parseOr();
  if (position < tokens.length) throw new StepConditionError(`unexpected "${peek().text}" ${where()}`);
  return condition;
}

/** The step names a condition reads: the step waits until each of them is done. */
export function conditionSteps(condition: StepCondition): string[] {
  switch (condition.kind) {
    case 'flag':
    case 'phase':
      return [condition.step];
    case 'not':
      return conditionSteps(condition.operand);
    case 'and':
    case 'or':
      return [...conditionSteps(condition.left), ...conditionSteps(condition.right)];
    default:
      return [];
  }
}

export function evaluateStepCondition(condition: StepCondition, status: (step: string) => StepOutcomeView): boolean {
  switch (condition.kind) {
    case 'always':
      return true;
    case 'literal':
      return condition.value;
    case 'flag': {
      const outcome = status(condition.step);
      return condition.flag === 'timeout' ? outcome.timedOut : outcome.phase === condition.flag;
    }
    case 'phase':
      return (status(condition.step).phase === condition.phase) === condition.equals;
    case 'not':
      return !evaluateStepCondition(condition.operand, status);
    case 'and':
      return evaluateStepCondition(condition.left, status) && evaluateStepCondition(condition.right, status);
    case 'or':
      return evaluateStepCondition(condition.left, status) || evaluateStepCondition(condition.right, status);
  }
}
