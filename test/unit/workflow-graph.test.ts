import { workflowGraph } from '../../topology/workflow-graph';
import { buildOrderWorkflow, WORKFLOW_STATES } from '../../topology/workflow';

const definition = buildOrderWorkflow({
  validatorFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:validator',
  orderStorageFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:order_storage',
  orderQueueUrl: 'http://localhost/queue',
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
});
