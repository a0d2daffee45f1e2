import { workflowGraph } from '../../topology/workflow-graph';
import { buildOrderWorkflow, WORKFLOW_STATES } from '../../topology/workflow';

// Built for each test, not at import (see workflow-definition.test.ts).
let definition: Record<string, unknown>;
beforeEach(() => {
  definition = buildOrderWorkflow({
    validatorFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:validator',
    orderStorageFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order_storage',
    orderQueueUrl: 'http://localhost/queue',
  });
});

describe('workflowGraph', () => {
  it('puts the happy path in one column, top to bottom, and every failure beside it', () => {
    const graph = workflowGraph(definition);
    const s = WORKFLOW_STATES;
    const main = graph.nodes.filter((node) => node.column === 0).map((node) => node.name);
    expect(main).toEqual([s.validate, s.store, s.needsFulfillment, s.enqueue, s.accepted]);
    expect(graph.nodes.filter((node) => node.column > 0).map((node) => node.name).sort()).toEqual([s.rejectConflict, s.rejectInvalid].sort());
    expect(graph.nodes).toHaveLength(Object.keys(definition.States as object).length);
    for (const edge of graph.edges) {
      const from = graph.nodes.find((node) => node.name === edge.from)!;
      const to = graph.nodes.find((node) => node.name === edge.to)!;
      expect(to.layer).toBeGreaterThan(from.layer);
    }
  });

  it('draws each transition once, with its kind', () => {
    const { edges } = workflowGraph(definition);
    const s = WORKFLOW_STATES;
    expect(edges).toEqual(
      expect.arrayContaining([
        { from: s.validate, to: s.store, kind: 'next' },
        { from: s.validate, to: s.rejectInvalid, kind: 'catch' },
        { from: s.store, to: s.needsFulfillment, kind: 'next' },
        { from: s.store, to: s.rejectConflict, kind: 'catch' },
        { from: s.store, to: s.rejectInvalid, kind: 'catch' },
        { from: s.needsFulfillment, to: s.enqueue, kind: 'choice' },
        { from: s.needsFulfillment, to: s.accepted, kind: 'default' },
        { from: s.enqueue, to: s.accepted, kind: 'next' },
      ]),
    );
    expect(edges).toHaveLength(8);
    expect(new Set(edges.map((edge) => `${edge.from}->${edge.to}`)).size).toBe(edges.length);
  });

  it('draws two Catch clauses to the same state as one arrow', () => {
    const graph = workflowGraph({
      StartAt: 'A',
      States: { A: { Type: 'Task', Next: 'B', Catch: [{ Next: 'F' }, { Next: 'F' }] }, B: { Type: 'Succeed' }, F: { Type: 'Fail' } },
    });
    expect(graph.edges).toEqual([
      { from: 'A', to: 'B', kind: 'next' },
      { from: 'A', to: 'F', kind: 'catch' },
    ]);
  });

  it('marks End, Fail and Succeed states terminal and leaves unreachable states out', () => {
    const graph = workflowGraph({
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' }, Orphan: { Type: 'Pass', End: true } },
    });
    expect(graph.nodes.map((node) => [node.name, node.terminal])).toEqual([
      ['A', false],
      ['B', true],
    ]);
  });

  it('sorts nodes by layer, then column, and gives the states beside the main column a column each', () => {
    const { nodes } = workflowGraph(definition);
    const position = nodes.map((node) => [node.layer, node.column]);
    expect(position).toEqual([...position].sort(([la, ca], [lb, cb]) => la! - lb! || ca! - cb!));
    const byLayer = new Map<number, number[]>();
    for (const node of nodes) byLayer.set(node.layer, [...(byLayer.get(node.layer) ?? []), node.column]);
    // Columns in a layer are 0 (the main column, if it passes there), then 1, 2, ... for the others.
    for (const columns of byLayer.values()) {
      const side = columns.filter((column) => column > 0);
      expect(side).toEqual(side.map((_, index) => index + 1));
      expect(columns.filter((column) => column === 0).length).toBeLessThanOrEqual(1);
    }
    // Both Fail states end up two steps below StartAt (StoreOrder catches into either).
    const s = WORKFLOW_STATES;
    expect(nodes.filter((node) => node.name === s.rejectInvalid || node.name === s.rejectConflict).map((node) => node.column).sort()).toEqual([1, 2]);
  });

  it('places each state by its longest path from StartAt, however the definition lists the states', () => {
    // A diamond listed backwards: C is reached from A directly and through B, so it sits below B.
    const graph = workflowGraph({
      StartAt: 'A',
      States: { C: { Type: 'Succeed' }, B: { Type: 'Pass', Next: 'C' }, A: { Type: 'Choice', Choices: [{ Next: 'B' }], Default: 'C' } },
    });
    expect(graph.nodes.map((node) => [node.name, node.layer, node.column])).toEqual([
      ['A', 0, 0],
      ['B', 1, 0],
      ['C', 2, 0],
    ]);
  });

  it('ignores what an unreachable state points at', () => {
    const graph = workflowGraph({
      StartAt: 'A',
      States: { Orphan: { Type: 'Pass', Next: 'B' }, A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } },
    });
    expect(graph.nodes.map((node) => [node.name, node.layer])).toEqual([
      ['A', 0],
      ['B', 1],
    ]);
  });

  it('marks a Fail state terminal though it has no End', () => {
    const graph = workflowGraph({ StartAt: 'A', States: { A: { Type: 'Task', Next: 'B', Catch: [{ Next: 'F' }] }, B: { Type: 'Pass', End: true }, F: { Type: 'Fail' } } });
    expect(graph.nodes.map((node) => [node.name, node.terminal])).toEqual([
      ['A', false],
      ['B', true],
      ['F', true],
    ]);
  });

  it('stops on a definition that loops instead of running for ever', () => {
    const graph = workflowGraph({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } });
    expect(graph.nodes.map((node) => node.name).sort()).toEqual(['A', 'B']);
  });

  it('follows a Choice without choices to its Default, and a transition to a state the definition lacks to nowhere', () => {
    const graph = workflowGraph({
      StartAt: 'A',
      States: { A: { Type: 'Choice', Choices: [], Default: 'B' }, B: { Type: 'Pass', Next: 'Missing' } },
    });
    expect(graph.nodes.map((node) => [node.name, node.layer, node.column])).toEqual([
      ['A', 0, 0],
      ['B', 1, 0],
    ]);
  });
});
