import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, contrastRatio } from '../support/browser';
import { startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

const executablePath = chromiumPath();
const ARTIFACTS = join(process.cwd(), 'reports');

// Runs in the page (a string: the test files are type-checked without the DOM library): the text colour
// of a few elements of each kind and the background they are drawn on.
const CONTRAST_SAMPLES = `(() => {
  const backgroundOf = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      if (color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent') return color;
    }
    return 'rgb(255, 255, 255)';
  };
  return ['h1', '.hint', '[data-count="PENDING"]', '[data-count="FULFILLED"]', '[data-count="FAILED"]', 'thead th', 'button[type="submit"]', '.badge',
    '.tile.metric .count', '.tile.tone-good .count', '.tile.tone-bad .count', '.tile.metric .sub', 'figcaption']
    .flatMap((selector) => [...document.querySelectorAll(selector)].slice(0, 3))
    .map((element) => ({ selector: element.className || element.tagName, color: getComputedStyle(element).color, background: backgroundOf(element) }));
})()`;

async function expectReadable(page: Page): Promise<void> {
    const samples = await page.evaluate<{ selector: string; color: string; background: string }[]>(CONTRAST_SAMPLES);
    for (const sample of samples) expect({ selector: sample.selector, ok: contrastRatio(sample.color, sample.background) >= 4.5 }).toEqual({ selector: sample.selector, ok: true });
}

/** Submits an order through the page's form, using the keyboard only. */
async function submitOrder(page: Page, orderId: string, item: string): Promise<void> {
  await page.getByLabel('Order ID').fill(orderId);
  await page.getByLabel('Item').fill(item);
  await page.getByLabel('Quantity').fill('2');
  await page.getByLabel('Quantity').press('Enter');
}

describe('local console (headless Chromium)', () => {
  let runtime: RuntimeProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Each test has a runtime and a page of its own: its counts and its orders are only its own.
  beforeEach(async () => {
    runtime = await startRuntimeProcess();
    pageErrors = [];
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(runtime.url);
    await page.locator('#connection', { hasText: 'Live' }).waitFor();
  });
  afterEach(async () => {
    await page?.close();
    await runtime?.stop();
    expect(pageErrors).toEqual([]);
  });

  it('labels every control and keeps text readable (contrast of at least 4.5:1)', async () => {
    for (const label of ['Order ID', 'Item', 'Quantity', 'FAILURE_THRESHOLD']) await expect(page.getByLabel(label).count()).resolves.toBe(1);
    // The business metrics' counters come with the feed's first metrics frame.
    await page.locator('.tile[data-metric="OrdersAccepted"]').waitFor();
    await expectReadable(page);
  });

  it('shows a submitted order move to FULFILLED, live', async () => {
    await submitOrder(page, 'ui-ok-1', 'widget');
    await page.locator('#submit-result', { hasText: 'Order ui-ok-1 accepted (HTTP 202)' }).waitFor();
    await page.locator('tr[data-order-id="ui-ok-1"][data-status="FULFILLED"]').waitFor();
    await expect(page.locator('[data-count="FULFILLED"]').textContent()).resolves.toBe('1');
  });

  it('after FAILURE_THRESHOLD 0, shows an order move to FAILED with its reason in failed_orders', async () => {
    await page.getByLabel('FAILURE_THRESHOLD').fill('0');
    await page.getByLabel('FAILURE_THRESHOLD').press('Enter');
    await page.locator('#threshold-result', { hasText: 'FAILURE_THRESHOLD is now 0' }).waitFor();
    await page.locator('#threshold-value', { hasText: /^0$/ }).waitFor();

    await submitOrder(page, 'ui-fail-1', 'gadget');
    await page.locator('tr[data-order-id="ui-fail-1"][data-status="FAILED"]').waitFor({ timeout: 30_000 });
    await expect(page.locator('tr[data-failed-order-id="ui-fail-1"]').textContent()).resolves.toMatch(/simulated fulfillment failure \(FAILURE_THRESHOLD=0\)3/);
    await expect(page.locator('[data-count="FAILED"]').textContent()).resolves.toBe('1');
    // The time to failed joins the time to fulfilled's tile once an order has failed.
    await page.locator('.tile[data-metric="TimeToFulfilled"] .time-to-failed', { hasText: /^to failed p50 \d+ ms · p99 \d+ ms · 1 failed$/ }).waitFor();
    await expect(page.locator('.tile[data-metric="TimeToFulfilled"] .count').textContent()).resolves.toBe('–');
  });

  it('counts the business metrics live as orders come, and charts their throughput and time to fulfilled', async () => {
    const counter = (metric: string) => page.locator(`.tile[data-metric="${metric}"] .count`);
    await expect(counter('OrdersAccepted').textContent()).resolves.toBe('0');
    await expect(page.locator('.tile[data-metric="TimeToFulfilled"] .count').textContent()).resolves.toBe('–');

    await submitOrder(page, 'ui-metrics-1', 'widget');
    await page.locator('#submit-result', { hasText: 'Order ui-metrics-1 accepted (HTTP 202)' }).waitFor();
    await page.locator('tr[data-order-id="ui-metrics-1"][data-status="FULFILLED"]').waitFor();
    // The same order again is a duplicate (200); one with an empty item is rejected as invalid (400).
    await submitOrder(page, 'ui-metrics-1', 'widget');
    await page.locator('#submit-result', { hasText: 'Order ui-metrics-1 accepted (HTTP 200)' }).waitFor();
    await submitOrder(page, 'ui-metrics-bad', ' ');
    await page.locator('#submit-result', { hasText: 'Order refused' }).waitFor();

    for (const [metric, count] of [['OrdersAccepted', '1'], ['OrdersFulfilled', '1'], ['OrdersDuplicated', '1'], ['OrdersRejected', '1']] as const) {
      await page.locator(`.tile[data-metric="${metric}"] .count`, { hasText: new RegExp(`^${count}$`) }).waitFor();
    }
    await expect(page.locator('.tile[data-metric="OrdersRejected"] .sub').textContent()).resolves.toBe('invalid 1 · conflict 0');
    for (const metric of ['OrdersNotAccepted', 'OrdersFailed', 'OrdersDeadLettered', 'FulfillmentAttemptsFailed', 'OrdersRedriven']) {
      await expect(counter(metric).textContent()).resolves.toBe('0');
    }
    await expect(page.locator('.tile[data-metric="TimeToFulfilled"] .count').textContent()).resolves.toMatch(/^\d+ ms$/);
    await expect(page.locator('.tile[data-metric="TimeToFulfilled"] .sub').textContent()).resolves.toMatch(/^p99 \d+ ms · 1 fulfilled$/);
    // No order failed: no time to failed.
    await expect(page.locator('.tile[data-metric="TimeToFulfilled"] .time-to-failed').count()).resolves.toBe(0);

    // The chart: a line per throughput over the whole window, and the time to fulfilled's one second.
    const throughput = page.locator('#throughput-chart svg');
    await throughput.locator('polyline[data-series="accepted"][data-total="1"]').waitFor();
    await expect(throughput.locator('polyline[data-series="fulfilled"]').getAttribute('data-total')).resolves.toBe('1');
    await expect(throughput.locator('polyline[data-series="failed"]').getAttribute('data-total')).resolves.toBe('0');
    const acceptedPoints = (await throughput.locator('polyline[data-series="accepted"]').getAttribute('points'))!.split(' ');
    expect(acceptedPoints).toHaveLength(300);
    // Exactly one point above the baseline: the second the order was accepted.
    expect(new Set(acceptedPoints.map((point) => point.split(',')[1])).size).toBe(2);
    await expect(throughput.getAttribute('aria-label')).resolves.toMatch(/1 accepted, 1 fulfilled, 0 failed/);
    const latency = page.locator('#latency-chart svg');
    await expect(latency.locator('polyline[data-series="time-to-fulfilled-p50"]').getAttribute('data-points')).resolves.toBe('1');
    await expect(latency.locator('circle').count()).resolves.toBe(1);
    await expect(latency.getAttribute('aria-label')).resolves.toMatch(/latest \d+ ms/);
    await expect(page.locator('#metrics-note').textContent()).resolves.toMatch(/EMF lines read, none malformed/);
  });

  it('draws the path of the execution chosen with the keyboard', async () => {
    await submitOrder(page, 'ui-ok-1', 'widget');
    await page.locator('tr[data-order-id="ui-ok-1"][data-status="FULFILLED"]').waitFor();
    const execution = page.locator('button.execution', { hasText: 'ui-ok-1' });
    await execution.focus();
    await page.keyboard.press('Enter');
    await page.locator('button.execution[aria-pressed="true"]', { hasText: 'ui-ok-1' }).waitFor();
    for (const state of ['ValidateOrder', 'StoreOrder', 'NeedsFulfillment', 'EnqueueForFulfillment', 'Accepted']) {
      await expect(page.locator(`g[data-state="${state}"]`).getAttribute('data-visit')).resolves.toBe('visited');
    }
    await expect(page.locator('g[data-state="RejectInvalidOrder"]').getAttribute('data-visit')).resolves.toBe('idle');
    await expect(page.locator('path[data-edge="StoreOrder->NeedsFulfillment"]').getAttribute('class')).resolves.toMatch(/\btaken\b/);
    await expect(page.locator('#graph-caption').textContent()).resolves.toMatch(/ui-ok-1: ValidateOrder → StoreOrder → NeedsFulfillment → EnqueueForFulfillment → Accepted — SUCCEEDED/);
  });

  it('says why an invalid order was refused, shows it as text, and draws its path to the rejection', async () => {
    await submitOrder(page, 'ui-bad-1', ' ');
    await page.locator('#submit-result', { hasText: 'Order refused: Invalid order: item must not be empty' }).waitFor();
    await page.locator('button.execution', { hasText: 'ui-bad-1' }).click();
    await expect(page.locator('g[data-state="ValidateOrder"]').getAttribute('data-visit')).resolves.toBe('failed');
    await expect(page.locator('g[data-state="RejectInvalidOrder"]').getAttribute('data-visit')).resolves.toBe('failed');
    await expect(page.locator('g[data-state="StoreOrder"]').getAttribute('data-visit')).resolves.toBe('idle');

    const markup = '<img src=x onerror="document.title=1">';
    await submitOrder(page, 'ui-markup-1', markup);
    await page.locator('tr[data-order-id="ui-markup-1"]').waitFor();
    await expect(page.locator('tr[data-order-id="ui-markup-1"] td').nth(1).textContent()).resolves.toBe(markup);
    await expect(page.locator('#recent-orders img').count()).resolves.toBe(0);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('button.execution', { hasText: 'ui-bad-1' }).click();
    await page.screenshot({ path: join(ARTIFACTS, 'console.png'), fullPage: true });
    // Now with status badges and execution states on the page too.
    await expectReadable(page);
  });

  it('shows the journey of the order chosen with the keyboard, live: its POST, each workflow state and the fulfillment, each with its time', async () => {
    await submitOrder(page, 'ui-journey-1', 'widget');
    // Chosen as soon as it is listed: the fulfillment joins the timeline by itself.
    const choice = page.locator('button[data-journey-order="ui-journey-1"]');
    await choice.focus();
    await page.keyboard.press('Enter');
    await page.locator('button[data-journey-order="ui-journey-1"][aria-pressed="true"]').waitFor();
    await page.locator('#journey li[data-kind="fulfillment"][data-outcome="fulfilled"]').waitFor();

    await expect(page.locator('#journey-caption').textContent()).resolves.toMatch(/^ui-journey-1 — FULFILLED \(widget ×2\): 8 events over [\d.]+ m?s, times in UTC\.$/);
    const rows = await page.locator('#journey li').all();
    await expect(Promise.all(rows.map(async (row) => `${await row.getAttribute('data-kind')} ${await row.getAttribute('data-step')}`))).resolves.toEqual([
      'request POST /orders',
      'execution workflow execution',
      'state ValidateOrder',
      'state StoreOrder',
      'state NeedsFulfillment',
      'state EnqueueForFulfillment',
      'state Accepted',
      'fulfillment order_queue receive 1',
    ]);
    await expect(page.locator('#journey li[data-kind="request"]').textContent()).resolves.toMatch(/^\d\d:\d\d:\d\d\.\d{3}\+0\.000 sPOST \/ordersapi_handler202 accepted\d+ ms$/);
    for (const state of ['ValidateOrder', 'StoreOrder', 'NeedsFulfillment', 'EnqueueForFulfillment', 'Accepted']) {
      const row = page.locator(`#journey li[data-kind="state"][data-step="${state}"]`);
      await expect(row.getAttribute('data-outcome')).resolves.toBe('succeeded');
      await expect(row.locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      await expect(row.locator('.journey-duration').textContent()).resolves.toMatch(/^\d+ ms$/);
    }
    // A new order's storing is logged at DEBUG only (the request line says it was accepted): no detail at INFO.
    await expect(page.locator('#journey li[data-kind="state"][data-step="StoreOrder"] .journey-detail').count()).resolves.toBe(0);
    await expect(page.locator('#journey li svg.journey-bar rect').count()).resolves.toBe(8);
    // Readable like the rest of the page: each kind of text the timeline draws, on what it is drawn on.
    const samples = await page.evaluate<{ selector: string; color: string; background: string }[]>(`(() => {
      const backgroundOf = (element) => {
        for (let node = element; node; node = node.parentElement) {
          const color = getComputedStyle(node).backgroundColor;
          if (color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent') return color;
        }
        return 'rgb(255, 255, 255)';
      };
      return ['#journey .badge', '#journey time', '#journey .sub', '#journey .journey-step', 'button.journey-choice']
        .flatMap((selector) => [...document.querySelectorAll(selector)].slice(0, 3))
        .map((element) => ({ selector: element.className || element.tagName, color: getComputedStyle(element).color, background: backgroundOf(element) }));
    })()`);
    expect(samples.length).toBeGreaterThanOrEqual(5);
    for (const sample of samples) expect({ selector: sample.selector, ok: contrastRatio(sample.color, sample.background) >= 4.5 }).toEqual({ selector: sample.selector, ok: true });
  });
});
