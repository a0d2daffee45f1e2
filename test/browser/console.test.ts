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
  return ['h1', '.hint', '[data-count="PENDING"]', '[data-count="FULFILLED"]', '[data-count="FAILED"]', 'thead th', 'button[type="submit"]', '.badge']
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
});
