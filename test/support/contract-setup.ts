import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenApiContract, recordViolations, takeViolations } from './openapi-contract';

// Every response an e2e test received must be what the served OpenAPI document says
// (test/support/openapi-contract.ts); a test whose responses broke it fails here, and names them.
afterEach(() => {
  const found = [...new Set(takeViolations())];
  if (found.length > 0) {
    throw new Error(
      `Responses that do not match /openapi.json:\n  ${found.slice(0, 20).join('\n  ')}`,
    );
  }
});

// Services started as processes of their own (test/support/service-process.ts) are reached with
// fetch: their JSON answers are checked too, against the committed document (which a test holds
// equal to the served one). In-process apps are checked by their own hook (test-app.ts); one that
// listens and is fetched (the client test) is checked here once more, which costs that file one
// more contract and finds nothing new (the two documents are equal; equal violations are listed once).
let committed: OpenApiContract | undefined;
const contract = (): OpenApiContract =>
  (committed ??= new OpenApiContract(
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')),
  ));
const originalFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await originalFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (/^(127\.|localhost$|\[::1\]$)/.test(url.hostname) && !url.pathname.startsWith('/openapi')) {
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const contentType = response.headers.get('content-type') ?? undefined;
    const json = contentType !== undefined && /json/.test(contentType);
    const body = json ? await response.clone().text() : response.status === 204 ? '' : undefined;
    const headers = [...response.headers.keys()];
    recordViolations(
      contract().checkUrl({
        method,
        path: url.pathname,
        status: response.status,
        contentType,
        body,
        headers,
      }),
    );
  }
  return response;
};
