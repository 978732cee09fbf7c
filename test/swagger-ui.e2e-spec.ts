import { mkdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { parseCaseEvent } from '../src/phase-model/case-event';
import { launchChromiumIn, NamespacedBrowser, requireChromium } from './support/chromium';
import { createTestNetwork, TestNetwork } from './support/netns';
import { startTestApp, TestApp } from './support/test-app';

const OUTPUT = join(__dirname, '..', 'test-output', 'swagger-ui');
const EVENTS_PATH = '/api/v1/cases/{id}/events';

/**
 * Swagger UI at /docs in Debian's Chromium (playwright-core), loaded over plain http from a
 * non-loopback address, as an office's developer on the LAN sees it: the browser runs in a network
 * namespace of this test's own and reaches the app across a veth pair (test/support/netns.ts).
 * Helmet's `upgrade-insecure-requests` once left this page blank (the defects issue).
 */
describe('Swagger UI at /docs in a browser, over a LAN address on plain http', () => {
  let network: TestNetwork | undefined;
  let t: TestApp | undefined;
  let browser: NamespacedBrowser | undefined;
  let page: Page;
  let origin: string;
  let serverAddress: string | undefined;
  let operation: Locator;
  const failedRequests: string[] = [];
  const refusedByPolicy: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    requireChromium();
    network = await createTestNetwork();
    t = await startTestApp();
    await t.app.listen({ port: 0, host: network.hostAddress });
    origin = `http://${network.hostAddress}:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromiumIn(network);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(10_000);
    page.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refusedByPolicy.push(m.text());
    });
    const response = await page.goto(`${origin}/docs`);
    serverAddress = (await response?.serverAddr())?.ipAddress;

    // As a user would: filter by the tag, open it (docExpansion is none), expand the operation.
    operation = page.locator('.opblock-post').filter({
      has: page.locator(`.opblock-summary-path[data-path="${EVENTS_PATH}"]`),
    });
    try {
      await page.locator('.operation-filter-input').fill('cases');
      await page.locator('h3.opblock-tag[data-tag="cases"]').click();
      await operation.locator('.opblock-summary').click();
      await operation.locator('.opblock-section-request-body pre.body-param__example').waitFor();
    } catch (error) {
      const seen = JSON.stringify({ failedRequests, refusedByPolicy, pageErrors }, null, 2);
      throw new Error(
        `Swagger UI at ${origin}/docs did not show the events operation (a blank page?): ` +
          `${(error as Error).message.split('\n')[0]}\n${seen}`,
      );
    }
  }, 60_000); // ~5 s on an idle machine; starting the app and the browser take longer on a busy one

  afterAll(async () => {
    try {
      await browser?.close();
      await t?.close();
    } finally {
      await network?.destroy();
    }
  });

  it('renders the operations, with nothing blocked or failed', async () => {
    expect(serverAddress).toBe(network!.hostAddress);
    expect(new URL(page.url()).hostname).not.toMatch(/^(127\.|localhost$|\[::1\]$)/);
    await expect(page.locator('.information-container h1.title').innerText()).resolves.toMatch(
      /^Lotse API/,
    );
    expect(await page.locator('h3.opblock-tag[data-tag="cases"]').isVisible()).toBe(true);
    const visible = await page.locator('#operations .opblock:visible').count();
    expect(visible).toBeGreaterThan(5);
    expect(await operation.locator('.opblock-summary-description').innerText()).not.toBe('');
    expect({ failedRequests, refusedByPolicy, pageErrors }).toEqual({
      failedRequests: [],
      refusedByPolicy: [],
      pageErrors: [],
    });
  });

  it('saves a screenshot of the expanded events operation', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    // What a reader sees first: the summary, the parameters, the example body, the first responses.
    const top = await operation.boundingBox();
    const body = await operation.locator('.opblock-section-request-body').boundingBox();
    expect(top && body).toBeTruthy();
    const file = join(OUTPUT, 'events-operation.png');
    await page.screenshot({
      path: file,
      fullPage: true,
      animations: 'disabled',
      clip: {
        x: top!.x,
        y: top!.y,
        width: top!.width,
        height: body!.y + body!.height - top!.y + 600,
      },
    });
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it('offers a bearer token and an X-API-Key under Authorize (and the calendar feed token)', async () => {
    await page.locator('.auth-wrapper .btn.authorize').click();
    const dialog = page.locator('.modal-ux');
    const schemes = dialog.locator('.auth-container');
    await schemes.first().waitFor();
    // bearer, apiKey, and feedToken (the calendar feed's query token, GET /tasks.ics only).
    expect(await schemes.count()).toBe(3);
    const bearer = schemes.filter({ has: page.locator('h4', { hasText: '(http, Bearer)' }) });
    const apiKey = schemes.filter({ has: page.locator('h4', { hasText: /^apiKey\s*\(apiKey\)/ }) });
    expect(await bearer.locator('input[type="text"], input[type="password"]').isVisible()).toBe(
      true,
    );
    expect(await apiKey.innerText()).toMatch(/Name:\s*X-API-Key/);
    expect(await apiKey.innerText()).toMatch(/In:\s*header/);
    expect(await apiKey.locator('input[type="text"], input[type="password"]').isVisible()).toBe(
      true,
    );
    await dialog.locator('.close-modal').click();
    await dialog.waitFor({ state: 'detached' });
  });

  const errorRow = (status: number): Locator =>
    operation.locator(`tr.response[data-code="${status}"] .response-col_description__inner`);

  it('lists the codes every secured operation can answer', async () => {
    expect(await errorRow(401).innerText()).toContain('unauthenticated');
    expect(await errorRow(403).innerText()).toContain('forbidden');
  });

  it('lists the events operation’s own error codes', async () => {
    const row = async (status: number): Promise<string> =>
      (await errorRow(status).count()) ? errorRow(status).innerText() : `(no ${status} response)`;
    expect({ 409: await row(409), 422: await row(422) }).toEqual({
      409: expect.stringContaining('transition_not_allowed'),
      422: expect.stringContaining('requirements_unmet'),
    });
  });

  /** The parser of the service itself says whether the shown body is an event it accepts. */
  const problemsOf = (label: string, text: string): string[] => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${label}: not JSON: ${text}`];
    }
    const parsed = parseCaseEvent(body);
    return parsed.ok
      ? []
      : [
          `${label}: ${text.replace(/\s+/g, ' ')} → ${parsed.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
        ];
  };

  it('shows a valid event as the example body, and prefills it in “Try it out”', async () => {
    const section = operation.locator('.opblock-section-request-body');
    const example = section.locator('pre.body-param__example');
    const problems: string[] = [];
    // Named examples come with a select: every one of them must be a valid event.
    const select = section.locator('.examples-select select');
    const names = (await select.count()) ? await select.locator('option').allInnerTexts() : [];
    if (names.length === 0)
      problems.push(...problemsOf('Example Value', await example.innerText()));
    // Evaluated in the page (no DOM types here): the shown example of this operation.
    const shownExample = `document.getElementById(${JSON.stringify(await operation.getAttribute('id'))})
      ?.querySelector('.opblock-section-request-body pre.body-param__example')?.innerText`;
    let text = await example.innerText();
    for (const [index, name] of names.entries()) {
      if (index > 0) {
        // Each choice shows its own body: wait until the shown one is no longer the previous one.
        await select.selectOption({ index });
        await page.waitForFunction(`${shownExample} !== ${JSON.stringify(text)}`);
        text = await example.innerText();
      }
      problems.push(...problemsOf(`Example "${name}"`, text));
    }
    if (names.length > 0) await select.selectOption({ index: 0 });

    await operation.locator('.try-out__btn').click();
    const editor = section.locator('textarea.body-param__text');
    problems.push(...problemsOf('Try it out', await editor.inputValue()));
    await operation.locator('.try-out__btn.cancel').click();

    expect(problems).toEqual([]);
  });
});
