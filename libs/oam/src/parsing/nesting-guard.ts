import { CST, Lexer } from 'yaml';

/** Zero-width control tokens the yaml lexer inserts; they are not part of the source text. */
const CONTROL_TOKENS = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

export interface NestingViolation {
  reason: 'depth' | 'aliases';
  offset: number;
}

/**
 * Looks for excessive nesting or aliasing in YAML text using only the lexer, before any tree is built: the yaml
 * composer recurses per level and runs out of memory on a few thousand levels, so deep documents must never reach it.
 * The estimate over-counts (twice the block indentation levels plus inline indicators plus flow depth), so it is
 * checked against twice the real limit; the exact depth is checked again on the parsed value.
 */
export function findNestingViolation(
  text: string,
  depthLimit: number,
  aliasLimit: number,
): NestingViolation | undefined {
  const indents: number[] = [];
  let offset = 0;
  let flowDepth = 0;
  let lineStart = true;
  let indent = 0;
  let lineIndicators = 0;
  let aliases = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    const at = offset;
    if (!CONTROL_TOKENS.has(token)) offset += token.length;
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      lineIndicators = 0;
      continue;
    }
    if (type === 'space' && lineStart) {
      indent = token.length;
      continue;
    }
    if (type === 'comment' || type === 'doc-mode' || type === 'byte-order-mark') continue;
    if (lineStart) {
      lineStart = false;
      if (flowDepth === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! > indent) indents.pop();
        if (indents.length === 0 || indents[indents.length - 1]! < indent) indents.push(indent);
      }
    }
    switch (type) {
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        if (flowDepth === 0) lineIndicators++;
        break;
      case 'flow-map-start':
      case 'flow-seq-start':
        flowDepth++;
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        flowDepth = Math.max(0, flowDepth - 1);
        break;
      case 'alias':
        if (++aliases > aliasLimit) return { reason: 'aliases', offset: at };
        break;
      case 'doc-start':
        indents.length = 0;
        flowDepth = 0;
        break;
      default:
        break;
    }
    if (2 * indents.length + lineIndicators + flowDepth > 2 * depthLimit + 2) return { reason: 'depth', offset: at };
  }
  return undefined;
}
