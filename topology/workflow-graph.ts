/**
 * The order workflow as a graph a page can draw: states in layers (longest path from StartAt, so every
 * edge points down) and the transitions between them, derived from the ASL itself rather than redrawn
 * by hand, so the console's picture changes when buildOrderWorkflow does.
 */
export type EdgeKind = 'next' | 'catch' | 'choice' | 'default';

export interface GraphNode {
  readonly name: string;
  readonly type: string;
  readonly layer: number;
  /** Position within its layer; 0 is the main column. */
  readonly column: number;
  readonly terminal: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

export interface WorkflowGraph {
  readonly startAt: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string }[];
}

interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
}

function edgesOf(name: string, state: AslState): GraphEdge[] {
  const edges: GraphEdge[] = [];
  if (state.Next) edges.push({ from: name, to: state.Next, kind: 'next' });
  for (const choice of state.Choices ?? []) edges.push({ from: name, to: choice.Next, kind: 'choice' });
  if (state.Default) edges.push({ from: name, to: state.Default, kind: 'default' });
  for (const handler of state.Catch ?? []) edges.push({ from: name, to: handler.Next, kind: 'catch' });
  // One edge per pair: two Catch clauses to the same state are one arrow.
  return edges.filter((edge, index) => edges.findIndex((e) => e.to === edge.to) === index);
}

export function workflowGraph(definition: Record<string, unknown>): WorkflowGraph {
  const { StartAt: startAt, States: states } = definition as unknown as AslDefinition;
  const edges = Object.entries(states).flatMap(([name, state]) => edgesOf(name, state));

  // Longest path from StartAt (the workflow is acyclic: no state loops back).
  const layer = new Map<string, number>([[startAt, 0]]);
  for (let changed = true, rounds = 0; changed && rounds <= edges.length; rounds += 1) {
    changed = false;
    for (const edge of edges) {
      const from = layer.get(edge.from);
      if (from !== undefined && (layer.get(edge.to) ?? -1) < from + 1) {
        layer.set(edge.to, from + 1);
        changed = true;
      }
    }
  }

  // The main column follows Next/Choice/Default from StartAt; everything else (the catches) sits beside it.
  const main = new Set<string>();
  for (let current: string | undefined = startAt; current && !main.has(current); ) {
    main.add(current);
    const state: AslState | undefined = states[current];
    current = state?.Next ?? state?.Choices?.[0]?.Next ?? state?.Default;
  }
  const used = new Map<number, number>();
  const nodes = Object.entries(states)
    .filter(([name]) => layer.has(name))
    .sort(([a], [b]) => Number(main.has(b)) - Number(main.has(a)))
    .map(([name, state]) => {
      const at = layer.get(name)!;
      const column = main.has(name) ? 0 : (used.get(at) ?? 0) + 1;
      if (!main.has(name)) used.set(at, column);
      return { name, type: state.Type, layer: at, column, terminal: Boolean(state.End) || state.Type === 'Fail' || state.Type === 'Succeed' };
    })
    .sort((a, b) => a.layer - b.layer || a.column - b.column);
  return { startAt, nodes, edges };
}
