/**
 * The console's order journey: choosing an order in "Recent orders" draws every step it took (GET
 * /_local/orders/{order_id}/journey) as a timeline, one row per event with its time, how long it took
 * and a bar placing it in the whole journey. Plain DOM and SVG; order data only ever as textContent.
 */
import type { Journey, JourneyEvent } from '../local/journey';
import { byId, element, svg } from './dom';

/** Log lines reach the runtime just after the table changes the feed reports: poll while an order is shown. */
const REFRESH_MS = 1000;
/** The narrowest bar, in percent of the lane, so an instant still shows. */
const MIN_BAR_PERCENT = 0.6;

/** The order whose journey is shown, and the last journey drawn (to redraw only on a change). */
let chosen: string | undefined;
let drawn: string | undefined;
let reading: Promise<void> | undefined;
let timer: number | undefined;

const OK = new Set(['succeeded', 'fulfilled', 'accepted', 'stored', 'requeued']);
const BAD = new Set(['failed', 'caught', 'timed_out', 'aborted', 'error']);

/** A colour for how an event ended; an order's failure (order_dlq, its row) is bad news whatever its outcome word. */
function tone(event: JourneyEvent): 'ok' | 'bad' | 'other' {
  if (event.kind === 'dead-letter' || event.kind === 'failed-row' || event.kind === 'failed' || BAD.has(event.outcome)) return 'bad';
  return OK.has(event.outcome) ? 'ok' : 'other';
}

const clock = (iso: string) => iso.slice(11, 23);
const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);

/** Where an event sits in the journey, as percentages of the lane. */
function bar(event: JourneyEvent, start: number, span: number): SVGSVGElement {
  const x = ((Date.parse(event.at) - start) / span) * 100;
  const width = Math.max(MIN_BAR_PERCENT, ((event.duration_ms ?? 0) / span) * 100);
  const lane = svg('svg', { class: 'journey-bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
  lane.append(svg('rect', { x: Math.min(x, 100 - width), y: 1, width, height: 8, class: `tone-${tone(event)}` }));
  return lane;
}

function eventRow(event: JourneyEvent, start: number, span: number): HTMLLIElement {
  const row = element('li', undefined, `journey-event kind-${event.kind}`);
  row.dataset.kind = event.kind;
  row.dataset.step = event.step;
  row.dataset.outcome = event.outcome;
  const time = element('time', clock(event.at), 'journey-time');
  time.dateTime = event.at;
  const outcome = event.status_code === undefined ? event.outcome : `${event.status_code} ${event.outcome}`;
  row.append(
    time,
    element('span', `+${((Date.parse(event.at) - start) / 1000).toFixed(3)} s`, 'journey-offset sub'),
    element('span', event.step, 'journey-step'),
    element('span', event.source, 'journey-source sub'),
    element('span', outcome, `badge tone-${tone(event)}`),
    element('span', event.duration_ms === undefined ? '' : duration(event.duration_ms), 'journey-duration'),
    bar(event, start, span),
  );
  if (event.detail) row.append(element('span', event.detail, 'journey-detail sub'));
  return row;
}

function draw(journey: Journey): void {
  const events = journey.events;
  const start = events.length > 0 ? Math.min(...events.map((event) => Date.parse(event.at))) : 0;
  const end = events.length > 0 ? Math.max(...events.map((event) => Date.parse(event.at) + (event.duration_ms ?? 0))) : 0;
  const span = Math.max(1, end - start);
  const order = journey.order ? `${journey.status ?? ''} (${journey.order.item} ×${journey.order.quantity})` : 'not stored';
  byId('journey-caption').textContent = `${journey.order_id} — ${order}: ${events.length} events over ${duration(end - start)}, times in UTC.`;
  const list = element('ol', undefined, 'journey');
  list.setAttribute('aria-label', `Journey of ${journey.order_id}, in time order`);
  list.append(...events.map((event) => eventRow(event, start, span)));
  const notes = journey.notes.map((note) => element('p', note, 'journey-note hint'));
  byId('journey').replaceChildren(list, ...notes);
}

function say(text: string): void {
  byId('journey-caption').textContent = text;
  byId('journey').replaceChildren();
  drawn = undefined;
}

async function read(orderId: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`/_local/orders/${encodeURIComponent(orderId)}/journey`);
  } catch {
    if (orderId === chosen) say('The runtime did not answer: is npm start still running?');
    return;
  }
  const text = await response.text();
  // Another order was chosen meanwhile, or nothing changed: leave the page (and its focus) alone.
  if (orderId !== chosen || text === drawn) return;
  if (!response.ok) return say(response.status === 404 ? `Nothing is known of ${orderId} yet.` : `The journey of ${orderId} could not be read (HTTP ${response.status}).`);
  drawn = text;
  draw(JSON.parse(text) as Journey);
}

/** Reads the chosen order's journey again, one read at a time; nothing when no order is chosen. */
export function refreshJourney(): void {
  if (!chosen || reading) return;
  reading = read(chosen).finally(() => (reading = undefined));
}

function choose(orderId: string): void {
  chosen = orderId;
  drawn = undefined;
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-journey-order]')) {
    button.setAttribute('aria-pressed', String(button.dataset.journeyOrder === orderId));
  }
  byId('journey-caption').textContent = `Reading the journey of ${orderId}…`;
  refreshJourney();
  timer ??= window.setInterval(() => {
    if (document.visibilityState === 'visible') refreshJourney();
  }, REFRESH_MS);
}

/** The button that shows an order's journey (the order_id cell of "Recent orders"). */
export function journeyButton(orderId: string): HTMLButtonElement {
  const button = element('button', orderId, 'journey-choice');
  button.type = 'button';
  button.dataset.journeyOrder = orderId;
  button.setAttribute('aria-pressed', String(orderId === chosen));
  button.setAttribute('aria-controls', 'journey');
  button.title = `Show the journey of ${orderId}`;
  button.addEventListener('click', () => choose(orderId));
  return button;
}

/** Runs `redraw` (which replaces the rows holding journey buttons) and gives focus back to the button that had it. */
export function keepingJourneyFocus(redraw: () => void): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.journeyOrder : undefined;
  redraw();
  if (focused) document.querySelector<HTMLElement>(`button[data-journey-order="${CSS.escape(focused)}"]`)?.focus();
}
