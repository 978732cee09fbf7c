import { eraseAssignments } from './erase-sql';
import { redactStored } from './redact';
import { withoutFreeTexts } from './reader-view';
import { replaceAt } from './text-paths';

describe('replaceAt', () => {
  it('replaces at a key path and in each array item, in a copy', () => {
    const value = {
      a: {
        list: [
          { t: 'x', n: 1 },
          { t: 'y', n: 2 },
        ],
      },
      keep: 'k',
    };
    const out = replaceAt(value, ['a', 'list', '*', 't'], () => null);
    expect(out).toEqual({
      a: {
        list: [
          { t: null, n: 1 },
          { t: null, n: 2 },
        ],
      },
      keep: 'k',
    });
    expect(value.a.list[0].t).toBe('x');
  });

  it('leaves absent and null parts alone', () => {
    expect(replaceAt({ a: null }, ['a', 'b'], () => 1)).toEqual({ a: null });
    expect(replaceAt({}, ['a'], () => 1)).toEqual({});
    expect(replaceAt({ a: 'not an array' }, ['a', '*'], () => 1)).toEqual({ a: 'not an array' });
  });
});

describe('the auditor view of an analysis', () => {
  it('nulls every free text of the list and keeps codes and figures', () => {
    const answer = {
      business: { description: 'Salon Ayşe', sector: 'personal_services', hoursPerWeek: 30 },
      assessment: { strengths: ['a'], weaknesses: ['b'], opportunities: ['c'], risks: ['d'] },
      recommendation: {
        recommendation: 'quick_exit',
        rationale: 'r',
        measures: [{ title: 'm', dueOn: '2026-01-01' }],
      },
      decision: { accepted: true, note: 'n' },
      cancellation: null,
    };
    expect(withoutFreeTexts('reset_analysis', answer)).toEqual({
      business: { description: null, sector: 'personal_services', hoursPerWeek: 30 },
      assessment: { strengths: null, weaknesses: null, opportunities: null, risks: null },
      recommendation: {
        recommendation: 'quick_exit',
        rationale: null,
        measures: [{ title: null, dueOn: '2026-01-01' }],
      },
      decision: { accepted: true, note: null },
      cancellation: null,
    });
  });

  it('hides a sector stored as prose before sectors were codes', () => {
    expect(withoutFreeTexts('case', { sector: 'Imbiss von Herrn K.' })).toEqual({ sector: null });
    expect(withoutFreeTexts('case', { sector: 'gastronomy' })).toEqual({ sector: 'gastronomy' });
  });
});

describe('erasure from the list', () => {
  it('redacts the texts of a stored snapshot and keeps its codes', () => {
    const snapshot = {
      value: 'decided',
      context: {
        assessment: {
          strengths: ['s1', 's2'],
          weaknesses: ['w'],
          opportunities: ['o'],
          risks: ['r'],
        },
        recommendation: {
          recommendation: 'give_up',
          rationale: 'why',
          measures: [{ title: 't', dueOn: null }],
        },
        decision: { accepted: false, note: 'note' },
        cancellation: null,
      },
    };
    expect(redactStored('reset_analysis', 'snapshot', snapshot)).toEqual({
      value: 'decided',
      context: {
        assessment: {
          strengths: ['[gelöscht]', '[gelöscht]'],
          weaknesses: ['[gelöscht]'],
          opportunities: ['[gelöscht]'],
          risks: ['[gelöscht]'],
        },
        recommendation: {
          recommendation: 'give_up',
          rationale: '[gelöscht]',
          measures: [{ title: '[gelöscht]', dueOn: null }],
        },
        decision: { accepted: false, note: null },
        cancellation: null,
      },
    });
  });

  it('assigns each erased column once, with array texts left to code', () => {
    const sql = eraseAssignments('reset_analysis', '$3');
    expect(sql.map((s) => s.split(' = ')[0])).toEqual(['"business"', '"assessment"']);
    expect(eraseAssignments('case_contact', '$2')).toEqual([`"notes" = NULL`, `"topics" = '{}'`]);
  });
});
