import { todayInBerlin } from '../src/common/time/calendar-date';
import { TaskDueAnnouncer } from '../src/webhooks/events/task-due-announcer';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../src/webhooks/webhook-events';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { bufferBody } from './support/exports';
import { OpenApiContract } from './support/openapi-contract';
import { recommendedAnalysis, sendResetEvent } from './support/reset';
import type { TestApp } from './support/test-app';
import type { WebhookReceiver, ReceivedWebhook } from './support/webhook-receiver';
import { receiverForBothOffices } from './support/webhooks';
import { useSeededApp, type World } from './support/world';

// Issue 15, "both features are in OpenAPI": the events Lotse sends are the served document's
// `webhooks`, one per event type, and every body and signature header a real receiver gets is
// valid against that entry (checked with the e2e suites' contract validator, objects closed).

type Json = Record<string, unknown>;
const HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

describe('webhooks in the OpenAPI document', () => {
  let t: TestApp;
  let w: World;
  let receiver: WebhookReceiver;
  let document: Json;
  let contract: OpenApiContract;
  let endpointA: { id: string; secret: string };
  useSeededApp(
    (app, world) => {
      t = app;
      w = world;
    },
    { WEBHOOK_POLL_MS: '50', WEBHOOK_ALLOWLIST: '127.0.0.1' },
  );

  beforeAll(async () => {
    document = (await t.http().get('/openapi.json').expect(200)).body as Json;
    contract = new OpenApiContract(document);
    ({ receiver, a: endpointA } = await receiverForBothOffices(t, w));
  });
  afterAll(() => receiver?.close());

  const webhooks = () => document.webhooks as Record<string, { post: Json }>;
  const components = (kind: string) => (document.components as Record<string, Json>)[kind];
  const deref = (value: Json): Json =>
    typeof value.$ref === 'string'
      ? (components(value.$ref.split('/')[2])[value.$ref.split('/')[3]] as Json)
      : value;
  const bodySchema = (type: string) =>
    ((webhooks()[type].post.requestBody as Json).content as Record<string, { schema: Json }>)[
      'application/json'
    ].schema;
  const headerParameters = (type: string) =>
    (webhooks()[type].post.parameters as Json[]).map(deref);

  /** What one received request breaks of the document's entry for its type. */
  function violations(r: ReceivedWebhook): string[] {
    const type = r.json?.type;
    if (typeof type !== 'string' || !webhooks()[type]) return [`${r.path}: no entry for ${type}`];
    const where = `webhook ${type} → ${r.path}`;
    const found = contract.schemaViolations(where, bodySchema(type), r.json);
    const sent: Record<string, string> = {
      'webhook-id': r.id,
      'webhook-timestamp': r.timestamp,
      'webhook-signature': r.signature,
    };
    for (const p of headerParameters(type)) {
      found.push(
        ...contract.schemaViolations(`${where} ${String(p.name)}`, p.schema, sent[String(p.name)]),
      );
    }
    return found;
  }

  it('has one entry per event type, and nothing else, each with its body, the signature headers and the answers', () => {
    expect(Object.keys(webhooks()).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const type of WEBHOOK_EVENT_TYPES) {
      const item = webhooks()[type];
      expect({ type, methods: Object.keys(item) }).toEqual({ type, methods: ['post'] });
      const post = item.post;
      expect(post).toMatchObject({ tags: ['webhooks'], security: [] });
      expect(typeof post.summary).toBe('string');
      expect(typeof post.description).toBe('string');
      const body = deref(bodySchema(type));
      expect(body).toMatchObject({
        type: 'object',
        required: ['type', 'timestamp', 'data'],
        additionalProperties: false,
      });
      expect((body.properties as Record<string, Json>).type.enum).toEqual([type]);
      expect(
        headerParameters(type).map((p) => ({ name: p.name, in: p.in, required: p.required })),
      ).toEqual(HEADERS.map((name) => ({ name, in: 'header', required: true })));
      expect(Object.keys(post.responses as Json).sort()).toEqual(['2XX', '410', 'default']);
    }
    // The document's own examples are valid against the schemas they illustrate.
    for (const type of WEBHOOK_EVENT_TYPES) {
      const media = ((webhooks()[type].post.requestBody as Json).content as Record<string, Json>)[
        'application/json'
      ];
      expect(contract.schemaViolations(type, media.schema, media.example)).toEqual([]);
    }
  });

  it('refuses, by the served schemas, a body with a property the type does not have, a wrong code, or a missing signature', () => {
    const base = (type: WebhookEventType, data: Json): ReceivedWebhook => ({
      path: '/a',
      id: '5b8e1f0c-3a4d-4c2e-9f1a-7d6b2c8e4f10',
      timestamp: '1767225600',
      signature: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
      body: '',
      json: { type, timestamp: '2026-03-02T09:15:27.412Z', data },
      verified: true,
      verifiedWith: [],
      receivedAt: 0,
      answered: 204,
    });
    const created = {
      caseId: w.officeA,
      officeId: w.officeA,
      founderId: w.officeA,
      phase: 'access',
    };
    expect(violations(base('case.created', created))).toEqual([]);
    expect(violations(base('case.created', { ...created, firstName: 'Zebulon' }))).toEqual([
      'webhook case.created → /a: body/data must NOT have additional properties (firstName)',
    ]);
    expect(violations(base('case.created', { ...created, phase: 'closed' }))).toHaveLength(1);
    expect(violations({ ...base('case.created', created), signature: '' })).toHaveLength(1);
  });

  it('every event Lotse sends, of every type, is valid against the served entry of its type, and so are its signature headers', async () => {
    const A = w.officeA;
    const patchCase = (id: string, body: object) =>
      t.http().patch(`/api/v1/cases/${id}`).set(w.as('advisorA')).send(body).expect(200);

    // case.created, case.phase_changed (forward and back), case.closed.
    const c1 = (await openCase(t, w, 'advisorA', await insertFounder(t, A))).id;
    await patchCase(c1, { firstCounsellingScheduledOn: todayInBerlin(), businessIdea: 'Idee' });
    await sendEvent(t, w, 'advisorA', c1, { type: 'START_COUNSELLING' }).expect(200);
    await sendEvent(t, w, 'advisorA', c1, {
      type: 'STEP_BACK',
      reason: 'Termin verschoben',
    }).expect(200);
    await sendEvent(t, w, 'advisorA', c1, { type: 'DROP_OUT', reasonCode: 'moved' }).expect(200);

    // case.transferred, to both offices.
    const c2 = (await openCase(t, w, 'advisorA', await insertFounder(t, A))).id;
    const transferId = (
      await t
        .http()
        .post(`/api/v1/cases/${c2}/transfer`)
        .set(w.as('advisorA'))
        .send({ toOfficeId: w.officeB, reason: 'Umzug' })
        .expect(201)
    ).body.id as string;
    await t.http().post(`/api/v1/transfers/${transferId}/accept`).set(w.as('leadB')).expect(200);

    // reset.decided: accepted (a restart: case.created, case.phase_changed RESTART) and declined.
    const accepted = await recommendedAnalysis(t, w, await insertFounder(t, A));
    await sendResetEvent(t, w, accepted, { type: 'DECIDE', accepted: true }).expect(200);
    const declined = await recommendedAnalysis(t, w, await insertFounder(t, A));
    await sendResetEvent(t, w, declined, { type: 'DECIDE', accepted: false }).expect(200);

    // export.completed.
    await t
      .http()
      .get(`/api/v1/exports/phase-history?officeId=${A}&format=ndjson`)
      .set(w.as('auditorA'))
      .buffer(true)
      .parse(bufferBody)
      .expect(200);

    // task.due: a first counselling scheduled two days ago and not documented.
    const c4 = (await openCase(t, w, 'advisorA', await insertFounder(t, A))).id;
    const twoDaysAgo = new Date(`${todayInBerlin()}T00:00:00Z`);
    twoDaysAgo.setUTCDate(twoDaysAgo.getUTCDate() - 2);
    await patchCase(c4, { firstCounsellingScheduledOn: twoDaysAgo.toISOString().slice(0, 10) });
    await t.app.get(TaskDueAnnouncer).sweep();

    const types = () => new Set(receiver.received.map((r) => r.json?.type));
    const wanted = () =>
      WEBHOOK_EVENT_TYPES.every((type) => types().has(type)) &&
      receiver.on('/b').some((r) => r.json?.type === 'case.transferred') &&
      receiver.received.filter((r) => r.json?.type === 'reset.decided').length === 2 &&
      receiver.received.some(
        (r) => r.json?.type === 'case.phase_changed' && r.json.data.event === 'RESTART',
      );
    await receiver.waitFor(wanted, 20_000, 'every event type');

    // During a rotation two signatures are sent, space-separated: the documented header too.
    const rotated = await t
      .http()
      .post(`/api/v1/offices/${A}/webhooks/${endpointA.id}/rotate-secret`)
      .set(w.as('leadA'))
      .expect(200);
    receiver.setSecrets('/a', rotated.body.secret as string, endpointA.secret);
    const c5 = (await openCase(t, w, 'advisorA', await insertFounder(t, A))).id;
    await receiver.waitFor(
      () => receiver.on('/a').some((r) => r.json?.data.caseId === c5),
      20_000,
      'the event after the rotation',
    );
    const afterRotation = receiver.on('/a').find((r) => r.json?.data.caseId === c5)!;
    expect(afterRotation.signature.split(' ')).toHaveLength(2);
    expect(afterRotation.verifiedWith).toHaveLength(2);

    const all = receiver.received;
    expect(all.every((r) => r.verified)).toBe(true);
    expect(all.flatMap(violations)).toEqual([]);
    expect(new Set(all.map((r) => r.json!.type))).toEqual(new Set(WEBHOOK_EVENT_TYPES));
    expect(
      all
        .filter((r) => r.json!.type === 'case.phase_changed')
        .map((r) => r.json!.data.event)
        .sort(),
    ).toEqual(['RESTART', 'START_COUNSELLING', 'STEP_BACK']);
  });
});
