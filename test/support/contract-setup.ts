import { takeViolations } from './openapi-contract';

// Every response an e2e test received must be what the served OpenAPI document says
// (test/support/openapi-contract.ts); a test whose responses broke it fails here, and names them.
afterEach(() => {
  const found = [...new Set(takeViolations())];
  if (found.length > 0) {
    throw new Error(`Responses that do not match /openapi.json:\n  ${found.slice(0, 20).join('\n  ')}`);
  }
});
