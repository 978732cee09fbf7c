import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ALL_MILESTONES, insertFounder, openCase, sendEvent } from './support/cases';
import { RESET_BUSINESS, RESET_HOUSEHOLD } from './support/fuzz';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';
import { bufferBody } from './support/exports';

const run = promisify(execFile);
const VERIFIER = join(__dirname, '../tools/verify_export.py');
// Debian's python3-cryptography lives with the system interpreter (a pyenv python3 may lack it).
const PYTHON =
  process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

interface Report {
  valid: boolean;
  chains: {
    rows: number;
    chains: number;
    broken: { ref: string; seq: number | null; reason: string }[];
  };
  manifest: Record<string, boolean> | null;
}

/** The independent Python verifier (tools/verify_export.py, written from docs/verification.md). */
describe('an auditor verifying with their own tools', () => {
  let t: TestApp;
  let w: World;
  const dir = mkdtempSync(join(tmpdir(), 'lotse-pyverify-'));
  let keyFile: string;

  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    const founder = await insertFounder(t, w.officeA);
    for (let i = 0; i < 2; i++) {
      const c = await openCase(t, w, 'advisorA', founder);
      await sendEvent(t, w, 'advisorA', c.id, { type: 'PAUSE', reason: `Krankheit ${i}` }).expect(
        200,
      );
      await sendEvent(t, w, 'advisorA', c.id, { type: 'RESUME', note: '=HYPERLINK("x")' }).expect(
        200,
      );
      if (i === 0)
        await sendEvent(t, w, 'advisorA', c.id, {
          type: 'DROP_OUT',
          reasonCode: 'employment',
        }).expect(200);
    }
    const analysis = await t
      .http()
      .post('/api/v1/reset-analyses')
      .set(w.as('advisorA'))
      .send({
        founderId: await insertFounder(t, w.officeA),
        business: RESET_BUSINESS,
        household: RESET_HOUSEHOLD,
      })
      .expect(201);
    await t
      .http()
      .post(`/api/v1/reset-analyses/${analysis.body.id}/events`)
      .set(w.as('advisorA'))
      .send({ type: 'CANCEL', reason: 'Umzug' })
      .expect(200);
    const key = (await t.http().get('/api/v1/exports/public-key').set(w.as('auditorA')).expect(200))
      .body;
    keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, key.publicKeyPem);
  });

  /** Exports as the lead (with texts, so that the formula guard is exercised) and stores the files. */
  async function exported(
    name: string,
    query: string,
    kind = 'phase-history',
    as: 'leadA' | 'leadB' = 'leadA',
  ) {
    const res = await t
      .http()
      .get(`/api/v1/exports/${kind}?${query}`)
      .set(w.as(as))
      .buffer(true)
      .parse(bufferBody)
      .expect(200);
    const manifest = (
      await t
        .http()
        .get(`/api/v1/exports/${res.headers['x-export-id']}/manifest`)
        .set(w.as(as))
        .expect(200)
    ).body;
    const file = join(dir, name);
    const manifestFile = join(dir, `${name}.manifest.json`);
    writeFileSync(file, res.body as Buffer);
    writeFileSync(manifestFile, JSON.stringify(manifest));
    return { file, manifestFile, text: (res.body as Buffer).toString('utf8') };
  }

  async function python(
    file: string,
    manifestFile?: string,
    format?: string,
  ): Promise<{ code: number; report: Report }> {
    const args = [
      VERIFIER,
      file,
      ...(manifestFile ? ['--manifest', manifestFile, '--public-key', keyFile] : []),
      ...(format ? ['--format', format] : []),
    ];
    try {
      const { stdout } = await run(PYTHON, args);
      return { code: 0, report: JSON.parse(stdout) as Report };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      if (!e.stdout) throw new Error(`verifier failed: ${e.stderr}`);
      return { code: e.code, report: JSON.parse(e.stdout) as Report };
    }
  }

  const variant = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('passes a real export with its manifest and public key, in every text format and both kinds', async () => {
    for (const [name, query, kind, format] of [
      ['cases.csv', 'includeText=true', 'phase-history', undefined],
      ['cases-de.csv', 'includeText=true&dialect=excel-de', 'phase-history', undefined],
      ['cases.ndjson', 'format=ndjson&pseudonymize=false', 'phase-history', 'ndjson'],
      ['reset.csv', 'includeText=true', 'reset-history', undefined],
      ['reset.ndjson', 'format=ndjson', 'reset-history', 'ndjson'],
    ]) {
      const e = await exported(name!, query!, kind);
      const { code, report } = await python(e.file, e.manifestFile, format);
      expect({ name, code, broken: report.chains.broken }).toEqual({ name, code: 0, broken: [] });
      expect(Object.values(report.manifest!).every(Boolean)).toBe(true);
      expect(report.chains.rows).toBeGreaterThan(0);
    }
  });

  it('undoes the formula guard on hashed cells and reads excel-de dates back', async () => {
    // An office code that needs the guard (older data may hold one) is hashed, so the verifier
    // must strip exactly the added apostrophe; the follow-up date comes as TT.MM.JJJJ in excel-de.
    await t.db.query(`UPDATE office SET code = $2 WHERE id = $1`, [w.officeB, "'-EXIS"]);
    const c = await openCase(t, w, 'advisorB', await insertFounder(t, w.officeB));
    await t
      .http()
      .patch(`/api/v1/cases/${c.id}`)
      .set(w.as('advisorB'))
      .send(ALL_MILESTONES)
      .expect(200);
    await sendEvent(t, w, 'advisorB', c.id, { type: 'START_COUNSELLING' }).expect(200);
    await t
      .http()
      .post(`/api/v1/cases/${c.id}/contacts`)
      .set(w.as('advisorB'))
      .send({ on: '2026-01-20', minutes: 60, format: 'video', kind: 'first_counselling' })
      .expect(201);
    for (const type of ['START_PLANNING', 'LAUNCH', 'START_CONSOLIDATION'])
      await sendEvent(t, w, 'advisorB', c.id, { type }).expect(200);
    await sendEvent(t, w, 'advisorB', c.id, {
      type: 'COMPLETE',
      outcome: 'founded_main',
      followUpOn: '2026-10-01',
    }).expect(200);
    for (const [name, query] of [
      ['b.csv', 'includeText=true'],
      ['b-de.csv', 'dialect=excel-de'],
    ]) {
      const e = await exported(name, query, 'phase-history', 'leadB');
      expect(e.text).toContain("''-EXIS");
      if (name === 'b-de.csv') expect(e.text).toContain('01.10.2026');
      const { code, report } = await python(e.file, e.manifestFile);
      expect({ name, code, broken: report.chains.broken }).toEqual({ name, code: 0, broken: [] });
    }
  });

  it('detects a tampered row, a deleted row and an edited office code', async () => {
    const e = await exported('base.csv', 'includeText=false');
    const lines = e.text.split('\r\n');
    const drop = lines.findIndex((l) => l.includes(',DROP_OUT,'));
    expect(drop).toBeGreaterThan(2);
    const edit = (i: number, from: string, to: string) =>
      lines.map((l, n) => (n === i ? l.replace(from, to) : l)).join('\r\n');

    const tampered = await python(variant('tampered.csv', edit(drop, ',employment,', ',moved,')));
    expect(tampered.code).toBe(1);
    expect(tampered.report.chains.broken).toEqual([
      expect.objectContaining({ seq: 3, reason: 'hash_mismatch' }),
    ]);

    const deleted = await python(
      variant('deleted.csv', lines.filter((_, i) => i !== drop - 1).join('\r\n')),
    );
    expect(deleted.code).toBe(1);
    expect(deleted.report.chains.broken).toEqual([
      expect.objectContaining({ seq: 3, reason: 'sequence_gap' }),
    ]);

    const office = await python(variant('office.csv', edit(drop - 1, ',RUN-MZ,', ',EXIS-Z,')));
    expect(office.code).toBe(1);
    expect(office.report.chains.broken).toEqual([
      expect.objectContaining({ seq: 2, reason: 'hash_mismatch' }),
    ]);

    // The manifest catches what the chains cannot: the last row of a chain removed with its link.
    const truncated = await python(
      variant('truncated.csv', lines.filter((_, i) => i !== drop).join('\r\n')),
      e.manifestFile,
    );
    expect(truncated.code).toBe(1);
    expect(truncated.report.manifest).toMatchObject({
      digestMatches: false,
      rowCountMatches: false,
      headsMatch: false,
      signatureValid: true,
    });

    const forged = join(dir, 'forged.manifest.json');
    writeFileSync(
      forged,
      JSON.stringify({ ...JSON.parse(readFileSync(e.manifestFile, 'utf8')), rowCount: 99 }),
    );
    expect((await python(e.file, forged)).report.manifest).toMatchObject({ signatureValid: false });
  });
});
