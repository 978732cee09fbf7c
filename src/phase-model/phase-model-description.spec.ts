import { EVENT_PAYLOAD_FIELDS } from './case-event';
import { phaseModelDescription } from './phase-model-description';
import { REQUIREMENTS } from './requirements';

// The published model, as frontends render it: every position change and every text.
const description = phaseModelDescription();
const moves = (type: string) =>
  description.events
    .find((e) => e.type === type)!
    .transitions.map((t) => `${t.from.status}:${t.from.phase}>${t.to.status}:${t.to.phase}`);
const EACH_PHASE = ['access', 'first_counselling', 'planning', 'launch', 'consolidation'];

describe('phaseModelDescription', () => {
  it('derives every transition of every event from the machine', () => {
    expect(moves('START_COUNSELLING')).toEqual(['active:access>active:first_counselling']);
    expect(moves('START_PLANNING')).toEqual(['active:first_counselling>active:planning']);
    expect(moves('LAUNCH')).toEqual(['active:planning>active:launch']);
    expect(moves('START_CONSOLIDATION')).toEqual(['active:launch>active:consolidation']);
    expect(moves('COMPLETE')).toEqual(['active:consolidation>closed:consolidation']);
    expect(moves('PAUSE')).toEqual(EACH_PHASE.map((p) => `active:${p}>paused:${p}`));
    expect(moves('RESUME')).toEqual(EACH_PHASE.map((p) => `paused:${p}>active:${p}`));
    expect(moves('REOPEN')).toEqual(EACH_PHASE.map((p) => `closed:${p}>active:${p}`));
    expect(moves('DROP_OUT')).toEqual([
      ...EACH_PHASE.map((p) => `active:${p}>closed:${p}`),
      ...EACH_PHASE.map((p) => `paused:${p}>closed:${p}`),
    ]);
  });

  it('lists the events in their fixed order, each with its payload, gates and role', () => {
    expect(description.events.map((e) => [e.type, e.leadOnly, e.requirements.length])).toEqual([
      ['START_COUNSELLING', false, 2],
      ['START_PLANNING', false, 6],
      ['LAUNCH', false, 5],
      ['START_CONSOLIDATION', false, 4],
      ['COMPLETE', false, 0],
      ['STEP_BACK', false, 0],
      ['DROP_OUT', false, 0],
      ['PAUSE', false, 0],
      ['RESUME', false, 0],
      ['REOPEN', true, 0],
    ]);
    for (const e of description.events) {
      expect(e.payload).toBe(EVENT_PAYLOAD_FIELDS[e.type]);
      expect(e.label.en).not.toBe('');
    }
    expect(description.events[0].requirements).toEqual([
      'consent_recorded',
      'first_counselling_scheduled',
    ]);
  });

  it('names and describes every phase and status in German and English', () => {
    const texts = [
      ...description.phases.flatMap((p) => [p.label, p.description]),
      ...description.statuses.map((s) => s.label),
    ];
    for (const { de, en } of texts) {
      expect(de.trim()).not.toBe('');
      expect(en.trim()).not.toBe('');
    }
    const all = texts.flatMap((t) => [t.de, t.en]);
    expect(new Set(all).size).toBe(all.length);
    expect(description.phases[2]).toEqual({
      code: 'planning',
      order: 2,
      label: { de: 'Planung', en: 'Planning' },
      description: {
        de: 'Businessplan, Finanzplan, Tragfähigkeitsbescheinigung und Förderantrag vor dem Start.',
        en: 'Business plan, finance plan, viability statement and funding application before the start.',
      },
    });
    expect(description.statuses).toEqual([
      { code: 'active', label: { de: 'aktiv', en: 'active' } },
      { code: 'paused', label: { de: 'pausiert', en: 'paused' } },
      { code: 'closed', label: { de: 'beendet', en: 'closed' } },
    ]);
  });

  it('publishes each requirement with its event and label, without the internal message', () => {
    expect(description.requirements).toEqual(
      REQUIREMENTS.map((r) => ({ code: r.code, event: r.event, label: r.label })),
    );
  });
});
