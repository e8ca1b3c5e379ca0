import type { ApplicationSpec } from '../model';
import { componentReferences } from './component-references';

/**
 * The dependency graph of an application's components: an edge a → b means a needs b first.
 * Provisioning walks it forwards (dependencies first); teardown walks it backwards (dependants first).
 */
export class PlanGraph {
  private readonly dependencies = new Map<string, Set<string>>();
  private readonly dependants = new Map<string, Set<string>>();

  constructor(nodes: Iterable<string>, edges: Iterable<{ from: string; to: string }>) {
    for (const node of nodes) this.addNode(node);
    for (const { from, to } of edges) {
      if (!this.dependencies.has(from) || !this.dependencies.has(to) || from === to) continue;
      this.dependencies.get(from)!.add(to);
      this.dependants.get(to)!.add(from);
    }
  }

  static fromApplication(application: ApplicationSpec): PlanGraph {
    return new PlanGraph(
      application.components.map((c) => c.name),
      componentReferences(application),
    );
  }

  private addNode(node: string): void {
    if (this.dependencies.has(node)) return;
    this.dependencies.set(node, new Set());
    this.dependants.set(node, new Set());
  }

  get nodes(): string[] {
    return [...this.dependencies.keys()];
  }

  dependenciesOf(node: string): string[] {
    return [...(this.dependencies.get(node) ?? [])];
  }

  dependantsOf(node: string): string[] {
    return [...(this.dependants.get(node) ?? [])];
  }

  /** Every node reachable from `node` through dependencies (not including itself). */
  transitiveDependenciesOf(node: string): Set<string> {
    const seen = new Set<string>();
    const stack = this.dependenciesOf(node);
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...this.dependenciesOf(next));
    }
    return seen;
  }

  /** The first cycle found, as a closed path `[a, b, a]`, or undefined when the graph is acyclic. */
  findCycle(): string[] | undefined {
    const state = new Map<string, 'visiting' | 'done'>();
    const path: string[] = [];
    const visit = (node: string): string[] | undefined => {
      state.set(node, 'visiting');
      path.push(node);
      for (const next of [...this.dependencies.get(node)!].sort()) {
        const seen = state.get(next);
        if (seen === 'visiting') return [...path.slice(path.indexOf(next)), next];
        if (seen === undefined) {
          const cycle = visit(next);
          if (cycle) return cycle;
        }
      }
      path.pop();
      state.set(node, 'done');
      return undefined;
    };
    for (const node of this.nodes) {
      if (!state.has(node)) {
        const cycle = visit(node);
        if (cycle) return cycle;
      }
    }
    return undefined;
  }

  /** Nodes in layers: each layer depends only on earlier layers. Throws on a cycle. */
  layers(): string[][] {
    const remaining = new Map([...this.dependencies].map(([node, deps]) => [node, new Set(deps)]));
    const result: string[][] = [];
    while (remaining.size > 0) {
      const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([node]) => node);
      if (ready.length === 0) throw new Error(`dependency cycle: ${this.findCycle()?.join(' → ')}`);
      ready.sort();
      result.push(ready);
      for (const node of ready) remaining.delete(node);
      for (const deps of remaining.values()) for (const node of ready) deps.delete(node);
    }
    return result;
  }

  topologicalOrder(): string[] {
    return this.layers().flat();
  }

  /** Dependants before their dependencies: the teardown order. */
  teardownOrder(): string[] {
    return this.topologicalOrder().reverse();
  }
}
