import { startTestApp, TestApp } from './support/test-app';

/**
 * Swagger UI over a LAN address (plain http) was blank: helmet's `upgrade-insecure-requests` made
 * the browser fetch its scripts over https. The directive goes only to requests that came over
 * https, or to all when configured.
 */
describe('Content-Security-Policy and https', () => {
  const csp = async (t: TestApp, headers: Record<string, string> = {}): Promise<string> => {
    const res = await t.http().get('/docs').set(headers).expect(200);
    const policy = res.headers['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    return policy;
  };

  describe('by default', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp()));
    afterAll(() => t.close());

    it('lets a browser on plain http load /docs as it is, and ignores an untrusted X-Forwarded-Proto', async () => {
      expect(await csp(t)).not.toContain('upgrade-insecure-requests');
      expect(await csp(t, { 'X-Forwarded-Proto': 'https' })).not.toContain(
        'upgrade-insecure-requests',
      );
    });
  });

  describe('behind a trusted TLS proxy', () => {
    let t: TestApp;
    beforeAll(
      async () => (t = await startTestApp({ TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1' })),
    );
    afterAll(() => t.close());

    it('upgrades requests that came over https only', async () => {
      expect(await csp(t, { 'X-Forwarded-Proto': 'https' })).toMatch(/;upgrade-insecure-requests$/);
      expect(await csp(t, { 'X-Forwarded-Proto': 'http' })).not.toContain(
        'upgrade-insecure-requests',
      );
      expect(await csp(t)).not.toContain('upgrade-insecure-requests');
    });
  });

  describe('with HTTPS_ONLY=true', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp({ HTTPS_ONLY: 'true' })));
    afterAll(() => t.close());

    it('upgrades every request', async () => {
      expect(await csp(t)).toContain('upgrade-insecure-requests');
    });
  });
});
