import type { SchemaObject } from '@nestjs/swagger';
import { CASE_EVENT_SCHEMAS } from './case-event.schema';

// The texts the OpenAPI document shows for each event body: what it does and what each field is.
const schema = (name: string) => CASE_EVENT_SCHEMAS[name];
const field = (name: string, property: string) =>
  schema(name).properties![property] as SchemaObject;
const NOTE =
  'A note for the history of the case. Free text, not blank, at most 2000 characters; null is the same as leaving it out.';

describe('the documented event schemas', () => {
  it('describe each event by its label and what it does', () => {
    const names = [
      'StartCounsellingEvent',
      'StartPlanningEvent',
      'LaunchEvent',
      'StartConsolidationEvent',
      'CompleteEvent',
      'StepBackEvent',
      'DropOutEvent',
      'PauseEvent',
      'ResumeEvent',
      'ReopenEvent',
    ];
    expect(names.map((n) => schema(n).description)).toEqual([
      'Start first counselling: access → first_counselling.',
      'Start planning: first_counselling → planning.',
      'Launch the business: planning → launch.',
      'Start consolidation: launch → consolidation.',
      'Complete: Closes the case with its outcome and the date of the follow-up contact.',
      'Step back one phase: Back to the previous phase, with a reason.',
      'Drop out: Closes the case with a reason code. `reason` (free text) is required when `reasonCode` is `other` and optional otherwise: a rule the schema cannot state, checked after it.',
      'Pause: Pauses an active case, with a reason.',
      'Resume: Resumes a paused case in its phase.',
      'Reopen: Reopens a closed case, with a reason. Only a lead of the office may send it.',
    ]);
    for (const n of names) expect(field(n, 'note').description).toBe(NOTE);
  });

  it('describe each reason for its event, required or not', () => {
    expect(field('StepBackEvent', 'reason').description).toBe(
      'Why the case goes back one phase. Free text, not blank, at most 2000 characters.',
    );
    expect(field('PauseEvent', 'reason').description).toBe(
      'Why the case is paused. Free text, not blank, at most 2000 characters.',
    );
    expect(field('ReopenEvent', 'reason').description).toBe(
      'Why the case is reopened. Free text, not blank, at most 2000 characters.',
    );
    expect(field('DropOutEvent', 'reason')).toEqual({
      type: ['string', 'null'],
      pattern: '\\S',
      maxLength: 2000,
      description:
        'Details of the drop-out; required when reasonCode is `other`. Free text, not blank, at most 2000 characters; null is the same as leaving it out.',
    });
    expect(field('CompleteEvent', 'followUpOn')).toEqual({
      type: 'string',
      format: 'date',
      description:
        'Date of the follow-up contact: a real calendar date, YYYY-MM-DD, from 1900-01-01 to 2200-12-31',
    });
  });

  it('give one event schema in full', () => {
    expect(schema('StepBackEvent')).toEqual({
      type: 'object',
      description: 'Step back one phase: Back to the previous phase, with a reason.',
      required: ['type', 'reason'],
      properties: {
        type: { type: 'string', enum: ['STEP_BACK'] },
        reason: {
          type: 'string',
          pattern: '\\S',
          maxLength: 2000,
          description:
            'Why the case goes back one phase. Free text, not blank, at most 2000 characters.',
        },
        note: { type: ['string', 'null'], pattern: '\\S', maxLength: 2000, description: NOTE },
      },
      additionalProperties: false,
      example: { type: 'STEP_BACK', reason: 'Finanzplan nicht tragfähig, Planung neu aufsetzen' },
    });
  });

  it('describe the union and the named enums', () => {
    expect(schema('CaseEvent').description).toBe(
      'An event for a case: `type` selects the event and its payload. Besides the schema, DROP_OUT requires `reason` when `reasonCode` is `other`, and dates must be real calendar days.',
    );
    expect(schema('CaseEventType')).toEqual({
      type: 'string',
      enum: [
        'START_COUNSELLING',
        'START_PLANNING',
        'LAUNCH',
        'START_CONSOLIDATION',
        'COMPLETE',
        'STEP_BACK',
        'DROP_OUT',
        'PAUSE',
        'RESUME',
        'REOPEN',
      ],
      description: 'The events that move a case through the 4+1 phase model',
      example: 'START_COUNSELLING',
    });
    expect(schema('CompletionOutcome')).toEqual({
      type: 'string',
      enum: ['founded_main', 'founded_side', 'employment', 'other'],
      description:
        'How a completed case ended: founded full-time, founded part-time, employment, other',
      example: 'founded_main',
    });
    expect(schema('DropOutReason')).toMatchObject({
      type: 'string',
      description: 'Why a founder dropped out',
      example: 'employment',
    });
  });
});
