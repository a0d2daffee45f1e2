/**
 * The local console: live counts, queues, failures and executions from the runtime's event stream
 * (GET /_local/events), the workflow drawn from GET /_local/workflow. Plain DOM, and only textContent
 * for anything that came from an order, so an item name can never become markup.
 */
import type { BusinessMetricsFrame } from '../local/business-metrics';
import type { ConsoleSnapshot, ExecutionSummary } from '../local/console-feed';
import type { GraphEdge, WorkflowGraph } from '../topology/workflow-graph';
import { byId, element, svg } from './dom';
import { journeyButton, keepingJourneyFocus, refreshJourney } from './journey';
import { renderMetrics } from './metrics-panel';

const NODE = { width: 190, height: 40, columnGap: 30, rowGap: 34, margin: 12 };

const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleTimeString() : '');

let graph: WorkflowGraph | undefined;
let snapshot: ConsoleSnapshot | undefined;
/** The execution the user chose; the newest one when they chose none (or theirs scrolled away). */
let chosen: string | undefined;

function renderCounts(data: ConsoleSnapshot): void {
  for (const [status, count] of Object.entries(data.orders)) {
    const target = document.querySelector(`[data-count="${status}"]`);
    if (target) target.textContent = String(count);
  }
  for (const [queue, depth] of Object.entries(data.queues)) {
    const visible = document.querySelector(`[data-queue="${queue}"]`);
    const inFlight = document.querySelector(`[data-queue-inflight="${queue}"]`);
    if (visible) visible.textContent = String(depth.visible);
    if (inFlight) inFlight.textContent = `${depth.inFlight} in flight`;
  }
  byId('threshold-value').textContent = String(data.failureThreshold);
}

function row(cells: (string | HTMLElement)[]): HTMLTableRowElement {
  const tr = element('tr');
  cells.forEach((cell, index) => {
    const td = element(index === 0 ? 'th' : 'td');
    if (index === 0) td.setAttribute('scope', 'row');
    if (typeof cell === 'string') td.textContent = cell;
    else td.append(cell);
    tr.append(td);
  });
  return tr;
}

function statusBadge(status: string): HTMLElement {
  return element('span', status, `badge status-${status}`);
}

function emptyRow(columns: number, text: string): HTMLTableRowElement {
  const tr = element('tr');
  const td = element('td', text, 'empty');
  td.colSpan = columns;
  tr.append(td);
  return tr;
}

function renderTables(data: ConsoleSnapshot): void {
  keepingJourneyFocus(() =>
    byId('recent-orders').replaceChildren(
      ...(data.recentOrders.length === 0
        ? [emptyRow(5, 'No orders yet.')]
        : data.recentOrders.map((order) => {
            const tr = row([journeyButton(order.order_id), statusBadge(order.status), order.item, String(order.quantity), time(order.updated_at)]);
            tr.setAttribute('data-order-id', order.order_id);
            tr.setAttribute('data-status', order.status);
            return tr;
          })),
    ),
  );
  byId('failed-orders').replaceChildren(
    ...(data.failedOrders.length === 0
      ? [emptyRow(4, 'No failed orders.')]
      : data.failedOrders.map((failed) => {
          const tr = row([failed.order_id, failed.reason, String(failed.attempts), time(failed.failed_at)]);
          tr.setAttribute('data-failed-order-id', failed.order_id);
          return tr;
        })),
  );
}

function describePath(execution: ExecutionSummary): string {
  const steps = execution.path.map((step) => `${step.name}${step.outcome === 'succeeded' || step.outcome === 'entered' ? '' : ` (${step.outcome})`}`);
  return `${execution.orderId ?? execution.name}: ${steps.join(' → ')} — ${execution.status}`;
}

function renderExecutions(data: ConsoleSnapshot): void {
  const list = byId('executions');
  if (!data.executions.some((execution) => execution.name === chosen)) chosen = undefined;
  const selected = chosen ?? data.executions[0]?.name;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.execution : undefined;
  list.replaceChildren(
    ...data.executions.map((execution) => {
      const item = element('li');
      const button = element('button', undefined, 'execution');
      button.type = 'button';
      button.dataset.execution = execution.name;
      button.setAttribute('aria-pressed', String(execution.name === selected));
      button.append(
        element('span', execution.orderId ?? '(no order_id)', 'execution-order'),
        element('span', execution.status, `badge execution-${execution.status}`),
        element('span', execution.durationMs === undefined ? '' : `${execution.durationMs} ms`, 'sub'),
      );
      button.addEventListener('click', () => {
        chosen = execution.name;
        if (snapshot) renderExecutions(snapshot);
      });
      item.append(button);
      return item;
    }),
  );
  if (focused) list.querySelector<HTMLElement>(`[data-execution="${CSS.escape(focused)}"]`)?.focus();
  renderGraph(data.executions.find((execution) => execution.name === selected));
}

function nodePosition(graphData: WorkflowGraph, name: string) {
  const node = graphData.nodes.find((candidate) => candidate.name === name);
  if (!node) return undefined;
  const x = NODE.margin + node.column * (NODE.width + NODE.columnGap);
  const y = NODE.margin + node.layer * (NODE.height + NODE.rowGap);
  return { x, y, cx: x + NODE.width / 2, bottom: y + NODE.height, top: y, left: x, right: x + NODE.width };
}

function edgePath(graphData: WorkflowGraph, edge: GraphEdge): string | undefined {
  const from = nodePosition(graphData, edge.from);
  const to = nodePosition(graphData, edge.to);
  if (!from || !to) return undefined;
  if (from.x === to.x) return `M ${from.cx} ${from.bottom} L ${to.cx} ${to.top}`;
  // Sideways: leave from the right edge, arrive at the top of the state beside.
  return `M ${from.right} ${from.y + NODE.height / 2} C ${to.cx} ${from.y + NODE.height / 2}, ${to.cx} ${to.top - 20}, ${to.cx} ${to.top}`;
}

function renderGraph(execution: ExecutionSummary | undefined): void {
  const container = byId('graph');
  const caption = byId('graph-caption');
  if (!graph) return;
  const visited = new Map(execution?.path.map((step) => [step.name, step]) ?? []);
  const taken = new Set<string>();
  execution?.path.forEach((step, index) => {
    const next = execution.path[index + 1];
    if (next && next.name !== step.name) taken.add(`${step.name}->${next.name}`);
  });
  const columns = Math.max(...graph.nodes.map((node) => node.column)) + 1;
  const layers = Math.max(...graph.nodes.map((node) => node.layer)) + 1;
  const width = NODE.margin * 2 + columns * NODE.width + (columns - 1) * NODE.columnGap;
  const height = NODE.margin * 2 + layers * NODE.height + (layers - 1) * NODE.rowGap;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'graph-caption' });
  const defs = svg('defs', {});
  for (const [id, className] of [['arrow', 'arrow'], ['arrow-taken', 'arrow taken']] as const) {
    const marker = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: className }));
    defs.append(marker);
  }
  root.append(defs);
  for (const edge of graph.edges) {
    const d = edgePath(graph, edge);
    if (!d) continue;
    const isTaken = taken.has(`${edge.from}->${edge.to}`);
    root.append(
      svg('path', {
        d,
        class: `edge edge-${edge.kind}${isTaken ? ' taken' : ''}`,
        'marker-end': `url(#${isTaken ? 'arrow-taken' : 'arrow'})`,
        'data-edge': `${edge.from}->${edge.to}`,
      }),
    );
  }
  for (const node of graph.nodes) {
    const position = nodePosition(graph, node.name)!;
    const step = visited.get(node.name);
    const state = step ? (step.outcome === 'failed' || step.outcome === 'caught' ? 'failed' : 'visited') : 'idle';
    const group = svg('g', { class: `state state-${state} type-${node.type}`, 'data-state': node.name, 'data-visit': state });
    group.append(svg('rect', { x: position.x, y: position.y, width: NODE.width, height: NODE.height, rx: node.type === 'Choice' ? 18 : 6 }));
    const label = svg('text', { x: position.cx, y: position.y + NODE.height / 2 + 5, 'text-anchor': 'middle' });
    label.textContent = step && step.retries > 0 ? `${node.name} ↻${step.retries}` : node.name;
    group.append(label);
    root.append(group);
  }
  container.replaceChildren(root);
  caption.textContent = execution ? `Workflow path of ${describePath(execution)}` : 'No execution yet.';
}

function render(data: ConsoleSnapshot): void {
  snapshot = data;
  renderCounts(data);
  renderTables(data);
  renderExecutions(data);
  refreshJourney();
}

async function problemText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: string; details?: { field: string; message: string }[] };
    const details = body.details?.map((detail) => `${detail.field} ${detail.message}`).join('; ');
    return `${body.error ?? `HTTP ${response.status}`}${details ? `: ${details}` : ''}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

function wireForms(): void {
  const form = byId<HTMLFormElement>('submit-form');
  const result = byId('submit-result');
  const submitOrder = async (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(form);
    const orderId = String(data.get('order_id') ?? '').trim() || `console-${crypto.randomUUID().slice(0, 8)}`;
    const order = { order_id: orderId, item: String(data.get('item') ?? ''), quantity: Number(data.get('quantity')) };
    try {
      const response = await fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) });
      result.textContent = response.ok ? `Order ${orderId} accepted (HTTP ${response.status}).` : `Order refused: ${await problemText(response)}`;
      result.className = response.ok ? 'ok' : 'error';
    } catch {
      result.textContent = 'The runtime did not answer: is npm start still running?';
      result.className = 'error';
    }
  };
  // Each handler reports its own failures on the page and never rejects: nothing needs to wait for it.
  form.addEventListener('submit', (event) => void submitOrder(event));

  const thresholdForm = byId<HTMLFormElement>('threshold-form');
  const thresholdResult = byId('threshold-result');
  const setThreshold = async (event: SubmitEvent) => {
    event.preventDefault();
    const value = Number(new FormData(thresholdForm).get('failure_threshold'));
    const response = await fetch('/_local/failure-threshold', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failure_threshold: value }),
    }).catch(() => undefined);
    thresholdResult.textContent = !response
      ? 'The runtime did not answer.'
      : response.ok
        ? `FAILURE_THRESHOLD is now ${value}.`
        : `Not changed: ${await problemText(response)}`;
    thresholdResult.className = response?.ok ? 'ok' : 'error';
  };
  thresholdForm.addEventListener('submit', (event) => void setThreshold(event));
}

function connect(): void {
  const connection = byId('connection');
  const events = new EventSource('/_local/events');
  events.addEventListener('open', () => {
    connection.textContent = 'Live';
    connection.className = 'live';
  });
  events.addEventListener('snapshot', (event) => render(JSON.parse((event as MessageEvent<string>).data) as ConsoleSnapshot));
  events.addEventListener('metrics', (event) => renderMetrics(JSON.parse((event as MessageEvent<string>).data) as BusinessMetricsFrame));
  events.addEventListener('problem', (event) => {
    connection.textContent = `Feed interrupted: ${(JSON.parse((event as MessageEvent<string>).data) as { message: string }).message}`;
    connection.className = 'down';
  });
  // EventSource reconnects by itself (the server asks for 1 s); say so meanwhile.
  events.addEventListener('error', () => {
    connection.textContent = 'Reconnecting… (is npm start still running?)';
    connection.className = 'down';
  });
}

async function main(): Promise<void> {
  wireForms();
  try {
    graph = (await (await fetch('/_local/workflow')).json()) as WorkflowGraph;
    renderGraph(undefined);
  } catch {
    byId('graph-caption').textContent = 'The workflow could not be loaded.';
  }
  connect();
}

void main();
