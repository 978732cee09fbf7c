import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { TokenService } from '../src/auth/token.service';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { HALF_YEAR_2025, RESET_BUSINESS, RESET_HOUSEHOLD, SWOT } from './support/fuzz';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';
import { bufferBody } from './support/exports';

const run = promisify(execFile);
const CLI = join(__dirname, '../dist/scripts/verify-export.js');

describe('auditor exports of the phase history', () => {
  let t: TestApp;
  let w: World;
  const caseIds: string[] = [];
  const analysisIds: string[] = [];
  let restartedCaseId: string;
  const dir = mkdtempSync(join(tmpdir(), 'lotse-export-'));

  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    const founder = await insertFounder(t, w.officeA, { last_name: 'Yildirim' });
    for (let i = 0; i < 3; i++) {
      const c = await openCase(t, w, 'advisorA', founder);
      caseIds.push(c.id);
      await sendEvent(t, w, 'advisorA', c.id, {
        type: 'PAUSE',
        reason: `Krankheit von Frau Yildirim ${i}`,
      }).expect(200);
      await sendEvent(t, w, 'advisorA', c.id, { type: 'RESUME', note: 'zurück' }).expect(200);
    }
    await sendEvent(t, w, 'advisorA', caseIds[0], {
      type: 'DROP_OUT',
      reasonCode: 'employment',
    }).expect(200);
    const other = await openCase(t, w, 'advisorB', await insertFounder(t, w.officeB));
    await sendEvent(t, w, 'advisorB', other.id, { type: 'PAUSE', reason: 'B' }).expect(200);
    // Office B: a RE_SET analysis cancelled, and one whose accepted decision restarts a case.
    const analysis = async () =>
      (
        await t
          .http()
          .post('/api/v1/reset-analyses')
          .set(w.as('advisorB'))
          .send({
            founderId: await insertFounder(t, w.officeB),
            business: RESET_BUSINESS,
            household: RESET_HOUSEHOLD,
          })
          .expect(201)
      ).body.id as string;
    const resetEvent = (
      id: string,
      event: object,
      persona: Parameters<World['as']>[0] = 'advisorB',
    ) =>
      t
        .http()
        .post(`/api/v1/reset-analyses/${id}/events`)
        .set(w.as(persona))
        .send(event)
        .expect(200);
    analysisIds.push(await analysis(), await analysis());
    await resetEvent(analysisIds[0], { type: 'CANCEL', reason: 'Umzug nach Hamburg' });
    await t
      .http()
      .put(`/api/v1/reset-analyses/${analysisIds[1]}/periods/2025-01-01`)
      .set(w.as('advisorB'))
      .send(HALF_YEAR_2025)
      .expect(201);
    await resetEvent(analysisIds[1], { type: 'START_ANALYSIS' });
    await resetEvent(analysisIds[1], { type: 'ASSESS', ...SWOT });
    await resetEvent(analysisIds[1], {
      type: 'RECOMMEND',
      recommendation: 'restart_with_coaching',
      measures: [{ title: 'Coaching' }],
      rationale: 'Tragfähig.',
    });
    restartedCaseId = (
      await resetEvent(
        analysisIds[1],
        { type: 'DECIDE', accepted: true, note: 'besprochen' },
        'leadB',
      )
    ).body.caseId;
  });

  const exportAs = (persona: Parameters<World['as']>[0], query = '', kind = 'phase-history') =>
    t
      .http()
      .get(`/api/v1/exports/${kind}${query}`)
      .set(w.as(persona))
      .buffer(true)
      .parse(bufferBody);

  const csvRows = (body: Buffer, delimiter = ',') =>
    parse<Record<string, string>>(body, {
      columns: true,
      bom: true,
      delimiter,
      record_delimiter: '\r\n',
    });

  it('exports CSV (RFC 4180, CRLF) ordered by case and sequence, with X-Export-Id', async () => {
    const res = await exportAs('auditorA').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['x-export-id']).toMatch(/^[0-9a-f-]{36}$/);
    const text = (res.body as Buffer).toString('utf8');
    expect(text.split('\r\n')[0]).toBe(
      'caseRef,officeCode,chainFormat,seq,at,event,fromPhase,toPhase,statusBefore,statusAfter,actorType,actorRef,reasonCode,outcome,followUpOn,resetAnalysisRef,machineVersion,daysInPhase,textDigest,prevHash,hash',
    );
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    const rows = csvRows(res.body);
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.officeCode === 'RUN-MZ')).toBe(true);
    // Each case's rows are contiguous and in sequence.
    const order = rows.map((r) => r.caseRef).filter((ref, i, all) => i === 0 || all[i - 1] !== ref);
    expect(new Set(order).size).toBe(order.length);
    for (const ref of order) {
      expect(rows.filter((r) => r.caseRef === ref).map((r) => Number(r.seq))).toEqual(
        Array.from({ length: rows.filter((r) => r.caseRef === ref).length }, (_, i) => i + 1),
      );
    }
    expect(rows.find((r) => r.event === 'DROP_OUT')).toMatchObject({
      reasonCode: 'employment',
      statusAfter: 'closed',
      chainFormat: '2',
    });
  });

  it('digests texts with a salt per row: equal notes differ, and a guess cannot be confirmed', async () => {
    const rows = csvRows((await exportAs('auditorA').expect(200)).body).filter(
      (r) => r.event === 'RESUME',
    );
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.textDigest)).size).toBe(3);
    const guess = createHash('sha256').update('{"note":"zurück"}').digest('hex');
    expect(rows.map((r) => r.textDigest)).not.toContain(guess);
    const [{ salt }] = await t.db.query(
      `SELECT salt FROM case_history_text WHERE case_id = $1 AND texts ? 'note'`,
      [caseIds[0]],
    );
    expect(salt).toMatch(/^[0-9a-f]{32}$/);
  });

  it('parses back to the same rows from NDJSON, XLSX and the excel-de dialect', async () => {
    const csv = csvRows((await exportAs('auditorA').expect(200)).body);
    // XLSX gives times and calendar dates back as Date cells; the CSV carries their hashed text.
    const asText = (k: string, v: unknown) =>
      v instanceof Date
        ? k === 'followUpOn'
          ? v.toISOString().slice(0, 10)
          : v.toISOString()
        : String(v);
    const norm = (r: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, v === null || v === '' ? null : asText(k, v)]),
      );
    const ndjson = (await exportAs('auditorA', '?format=ndjson').expect(200)).body
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l: string) => norm(JSON.parse(l)));
    expect(ndjson).toEqual(csv.map(norm));

    const de = await exportAs('auditorA', '?dialect=excel-de').expect(200);
    expect([...(de.body as Buffer).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect((de.body as Buffer).toString('utf8').split('\r\n')[0]).toContain(
      'caseRef;officeCode;chainFormat;seq',
    );
    expect(csvRows(de.body, ';').map(norm)).toEqual(csv.map(norm));

    const xlsx = await exportAs('auditorA', '?format=xlsx').expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    const sheet = book.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const fromXlsx: Record<string, unknown>[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1)
        fromXlsx.push(
          Object.fromEntries(header.map((h, i) => [h, (row.values as unknown[])[i + 1] ?? null])),
        );
    });
    expect(fromXlsx.map(norm)).toEqual(csv.map(norm));
  });

  it('pseudonymises by default: stable refs, no ids, names or texts', async () => {
    const first = (await exportAs('auditorA').expect(200)).body.toString('utf8');
    const second = (await exportAs('leadA').expect(200)).body.toString('utf8');
    const refs = (s: string) => csvRows(Buffer.from(s)).map((r) => `${r.caseRef}/${r.actorRef}`);
    expect(refs(first)).toEqual(refs(second));
    for (const id of [...caseIds, w.users.advisorA.id]) expect(first).not.toContain(id);
    expect(first).not.toContain('Yildirim');
    expect(first).not.toContain('Krankheit');
  });

  it('gives leads names and texts on request, and refuses them to auditors and advisors', async () => {
    await exportAs('auditorA', '?pseudonymize=false').expect(403);
    await exportAs('auditorA', '?includeText=true').expect(403);
    await exportAs('advisorA').expect(403);
    await exportAs('auditorA', `?officeId=${w.officeB}`).expect(404);
    const res = await exportAs(
      'leadA',
      `?officeId=${w.officeA}&pseudonymize=false&includeText=true`,
    ).expect(200);
    const rows = csvRows(res.body);
    expect(rows.map((r) => r.caseId)).toEqual(expect.arrayContaining(caseIds));
    expect(rows.find((r) => r.event === 'PAUSE')?.reason).toMatch(/^Krankheit von Frau Yildirim/);
    const logged = await t.db.query(
      `SELECT details FROM access_log WHERE action = 'export' AND resource_id = $1`,
      [res.headers['x-export-id']],
    );
    expect(logged).toEqual([
      {
        details: expect.objectContaining({ format: 'csv', pseudonymize: false, includeText: true }),
      },
    ]);
  });

  it('stores a signed manifest that matches the bytes sent', async () => {
    const res = await exportAs('auditorA').expect(200);
    const id = res.headers['x-export-id'];
    const manifest = (
      await t.http().get(`/api/v1/exports/${id}/manifest`).set(w.as('auditorA')).expect(200)
    ).body;
    expect(manifest).toMatchObject({
      exportId: id,
      rowCount: 7,
      caseCount: 3,
      pseudonymized: true,
      algorithm: 'Ed25519',
      bytes: res.body.length,
    });
    expect(manifest.sha256).toBe(createHash('sha256').update(res.body).digest('hex'));
    expect(Date.parse(manifest.nextChangedSince)).toBeLessThanOrEqual(
      Date.parse(manifest.snapshotAt),
    );
    await t.http().get(`/api/v1/exports/${id}/manifest`).set(w.as('auditorB')).expect(404);
    const key = (await t.http().get('/api/v1/exports/public-key').set(w.as('auditorA')).expect(200))
      .body;
    const { verifyManifestSignature } = await import('../src/exports/export-signer');
    expect(verifyManifestSignature(manifest, key.publicKeyPem)).toBe(true);
    expect(verifyManifestSignature({ ...manifest, rowCount: 8 }, key.publicKeyPem)).toBe(false);
  });

  it('shows a manifest only to callers who may read every office it covers', async () => {
    const [u] = await t.db.query(
      `INSERT INTO app_user (email, name, password_hash) VALUES ('two@lotse.test', 'Two', 'x') RETURNING id`,
    );
    await t.db.query(
      `INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, 'lead'), ($1, $3, 'lead')`,
      [u.id, w.officeA, w.officeB],
    );
    const both = { Authorization: `Bearer ${await t.app.get(TokenService).issue(u.id)}` };
    const res = await t.http().get('/api/v1/exports/phase-history').set(both).expect(200);
    const id = res.headers['x-export-id'];
    await t.http().get(`/api/v1/exports/${id}/manifest`).set(both).expect(200);
    await t.http().get(`/api/v1/exports/${id}/manifest`).set(w.as('auditorA')).expect(404);
  });

  it('starts the next incremental export before any transaction still open at the snapshot', async () => {
    const { Client } = await import('pg');
    const open = new Client({ connectionString: t.config.databaseUrl! });
    await open.connect();
    try {
      await open.query('BEGIN');
      await open.query(`INSERT INTO auth_failure (key) VALUES ('late-commit')`); // takes a transaction id
      const [{ started }] = (
        await open.query(
          `SELECT xact_start AS started FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
        )
      ).rows;
      await new Promise((r) => setTimeout(r, 50));
      const res = await exportAs('auditorA').expect(200);
      const manifest = (
        await t
          .http()
          .get(`/api/v1/exports/${res.headers['x-export-id']}/manifest`)
          .set(w.as('auditorA'))
      ).body;
      expect(Date.parse(manifest.nextChangedSince)).toBeLessThanOrEqual(
        (started as Date).getTime(),
      );
      expect(Date.parse(manifest.snapshotAt)).toBeGreaterThan((started as Date).getTime());
    } finally {
      await open.query('ROLLBACK');
      await open.end();
    }
  });

  it('filters by time and changedSince', async () => {
    const future = (
      await exportAs('auditorA', '?changedSince=2999-01-01T00:00:00Z').expect(200)
    ).body.toString('utf8');
    expect(future.trim().split('\r\n')).toHaveLength(1);
    await exportAs('auditorA', '?from=yesterday').expect(400);
  });

  describe('verification by the CLI and the endpoint', () => {
    let original: Buffer;
    let id: string;
    let files: Record<string, string>;
    beforeAll(async () => {
      const res = await exportAs('auditorA').expect(200);
      original = res.body;
      id = res.headers['x-export-id'];
      const manifest = (await t.http().get(`/api/v1/exports/${id}/manifest`).set(w.as('auditorA')))
        .body;
      const key = (await t.http().get('/api/v1/exports/public-key').set(w.as('auditorA'))).body;
      const lines = original.toString('utf8').split('\r\n');
      // The case with three rows (PAUSE, RESUME, DROP_OUT): s1, s2, s3 are its lines.
      const s1 = lines.findIndex((l) => l.includes(',DROP_OUT,')) - 2;
      const tampered = [...lines];
      tampered[s1 + 1] = tampered[s1 + 1].replace(',RESUME,', ',PAUSE,');
      const deleted = lines.filter((_, i) => i !== s1 + 1);
      // The chain covers the office code, as every column the export carries.
      const office = [...lines];
      office[s1 + 1] = office[s1 + 1].replace(',RUN-MZ,', ',EXIS-Z,');
      const reordered = [...lines];
      [reordered[s1 + 1], reordered[s1 + 2]] = [reordered[s1 + 2], reordered[s1 + 1]];
      files = {
        original: join(dir, 'original.csv'),
        tampered: join(dir, 'tampered.csv'),
        deleted: join(dir, 'deleted.csv'),
        reordered: join(dir, 'reordered.csv'),
        office: join(dir, 'office.csv'),
        manifest: join(dir, 'manifest.json'),
        key: join(dir, 'key.pem'),
      };
      writeFileSync(files.original, original);
      writeFileSync(files.tampered, tampered.join('\r\n'));
      writeFileSync(files.deleted, deleted.join('\r\n'));
      writeFileSync(files.reordered, reordered.join('\r\n'));
      writeFileSync(files.office, office.join('\r\n'));
      writeFileSync(files.manifest, JSON.stringify(manifest));
      writeFileSync(files.key, key.publicKeyPem);
    });

    const cli = async (file: string, withManifest = true) => {
      try {
        const { stdout } = await run(process.execPath, [
          CLI,
          file,
          ...(withManifest ? ['--manifest', files.manifest, '--public-key', files.key] : []),
        ]);
        return { code: 0, stdout };
      } catch (error) {
        const e = error as { code: number; stdout: string };
        return { code: e.code, stdout: e.stdout };
      }
    };

    it('the CLI accepts the untouched file with its manifest', async () => {
      const r = await cli(files.original);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('VALID');
      expect(r.stdout).toContain('manifest signatureValid: ok');
    });

    it.each([
      ['tampered', 2, 'hash_mismatch'],
      ['deleted', 3, 'sequence_gap'],
      ['reordered', 3, 'sequence_gap'],
      ['office', 2, 'hash_mismatch'],
    ])('the CLI names the first broken row of a %s file', async (kind, seq, reason) => {
      const r = await cli(files[kind], false);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        new RegExp(`BROKEN chain c_[0-9a-f]+: first broken row seq ${seq} \\(${reason}\\)`),
      );
    });

    it('the CLI rejects a file that does not match its manifest', async () => {
      const other = join(dir, 'other.csv');
      writeFileSync(
        other,
        Buffer.concat([original, Buffer.from('')])
          .toString('utf8')
          .replace(/\r\n$/, '\r\n\r\n'),
      );
      const r = await cli(other);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('manifest digestMatches: FAILED');
    });

    it('the endpoint verifies uploads the same way', async () => {
      const upload = (body: Buffer | string, query = '') =>
        t
          .http()
          .post(`/api/v1/exports/verify${query}`)
          .set(w.as('auditorA'))
          .set('content-type', 'text/csv')
          .send(body);
      const ok = await upload(original, `?exportId=${id}`).expect(200);
      expect(ok.body).toMatchObject({
        valid: true,
        chains: { rows: 7, cases: 3, broken: [] },
        manifest: {
          signatureValid: true,
          digestMatches: true,
          headsMatch: true,
          rowCountMatches: true,
        },
      });
      const tampered = await upload(readFileSync(files.tampered)).expect(200);
      expect(tampered.body.valid).toBe(false);
      expect(tampered.body.chains.broken).toEqual([
        expect.objectContaining({ seq: 2, reason: 'hash_mismatch' }),
      ]);
      const mismatch = await upload(
        Buffer.concat([original, Buffer.from('\r\n')]),
        `?exportId=${id}`,
      ).expect(200);
      expect(mismatch.body.valid).toBe(false);
      expect(mismatch.body.manifest.digestMatches).toBe(false);
      await t
        .http()
        .post('/api/v1/exports/verify')
        .set(w.as('auditorA'))
        .set('content-type', 'text/plain')
        .send('x')
        .expect(415);
    });
  });

  describe('the RE_SET history export', () => {
    const verify = (body: Buffer | string, query = '', type = 'text/csv') =>
      t
        .http()
        .post(`/api/v1/exports/verify${query}`)
        .set(w.as('auditorB'))
        .set('content-type', type)
        .send(body)
        .expect(200);

    it('exports every analysis chain with the same manifest and verification, and no ids', async () => {
      const res = await exportAs('auditorB', '', 'reset-history').expect(200);
      expect(res.headers['content-disposition']).toContain('reset-history-');
      const text = (res.body as Buffer).toString('utf8');
      expect(text.split('\r\n')[0]).toBe(
        'analysisRef,officeCode,chainFormat,seq,at,event,fromState,toState,actorType,actorRef,payload,machineVersion,textDigest,prevHash,hash',
      );
      const rows = csvRows(res.body);
      expect(rows.map((r) => r.event)).toEqual(
        expect.arrayContaining(['CANCEL', 'START_ANALYSIS', 'ASSESS', 'RECOMMEND', 'DECIDE']),
      );
      expect(rows).toHaveLength(5);
      expect(rows.every((r) => r.officeCode === 'EXIS-Z' && r.chainFormat === '2')).toBe(true);
      for (const id of [...analysisIds, restartedCaseId, w.users.advisorB.id])
        expect(text).not.toContain(id);
      expect(text).not.toContain('Hamburg');
      // The restart links both chains by pseudonyms only.
      const decide = rows.find((r) => r.event === 'DECIDE')!;
      const cases = csvRows((await exportAs('auditorB').expect(200)).body);
      const restart = cases.find((r) => r.event === 'RESTART')!;
      expect(JSON.parse(decide.payload)).toEqual({
        accepted: true,
        caseAction: 'created',
        caseRef: restart.caseRef,
      });
      expect(restart.resetAnalysisRef).toBe(decide.analysisRef);

      const id = res.headers['x-export-id'];
      const manifest = (
        await t.http().get(`/api/v1/exports/${id}/manifest`).set(w.as('auditorB')).expect(200)
      ).body;
      expect(manifest).toMatchObject({ kind: 'reset-history', rowCount: 5, caseCount: 2 });
      expect(Object.keys(manifest.chainHeads)).toEqual(
        expect.arrayContaining([decide.analysisRef]),
      );
      expect((await verify(res.body, `?exportId=${id}`)).body).toMatchObject({
        valid: true,
        chains: { rows: 5, cases: 2, broken: [] },
        manifest: {
          signatureValid: true,
          digestMatches: true,
          headsMatch: true,
          rowCountMatches: true,
        },
      });
      const accepted = text.replace('""accepted"": true', '""accepted"": false');
      expect(accepted).not.toBe(text);
      expect((await verify(accepted)).body.chains.broken).toEqual([
        expect.objectContaining({ caseRef: decide.analysisRef, reason: 'hash_mismatch' }),
      ]);
    });

    it('verifies its NDJSON and XLSX forms too', async () => {
      const ndjson = await exportAs('auditorB', '?format=ndjson', 'reset-history').expect(200);
      expect(JSON.parse(ndjson.body.toString('utf8').split('\n')[0]).payload).toEqual(
        expect.any(Object),
      );
      expect(
        (
          await verify(
            ndjson.body,
            `?exportId=${ndjson.headers['x-export-id']}`,
            'application/x-ndjson',
          )
        ).body,
      ).toMatchObject({ valid: true, chains: { rows: 5 } });
      const xlsx = await exportAs('auditorB', '?format=xlsx', 'reset-history').expect(200);
      const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      expect(
        (await verify(xlsx.body, `?exportId=${xlsx.headers['x-export-id']}`, type)).body,
      ).toMatchObject({ valid: true, chains: { rows: 5 } });
    });

    it("covers the RESTART row's analysis id: changing it breaks the case's chain", async () => {
      const verified = () =>
        t
          .http()
          .get(`/api/v1/cases/${restartedCaseId}/history?verify=true`)
          .set(w.as('leadB'))
          .expect(200);
      expect((await verified()).body.chain).toMatchObject({ valid: true, firstBroken: null });
      await t.db.query(`ALTER TABLE case_history DISABLE TRIGGER case_history_append_only`);
      try {
        await t.db.query(
          `UPDATE case_history SET payload = jsonb_build_object('resetAnalysisId', $2::text) WHERE case_id = $1 AND event = 'RESTART'`,
          [restartedCaseId, analysisIds[0]],
        );
      } finally {
        await t.db.query(`ALTER TABLE case_history ENABLE TRIGGER case_history_append_only`);
      }
      expect((await verified()).body.chain).toMatchObject({
        valid: false,
        firstBroken: { reason: 'hash_mismatch' },
      });
    });

    it('is for auditors and leads only, and texts and ids for leads', async () => {
      await exportAs('advisorB', '', 'reset-history').expect(403);
      await exportAs('auditorB', '?includeText=true', 'reset-history').expect(403);
      const res = await exportAs(
        'leadB',
        '?pseudonymize=false&includeText=true',
        'reset-history',
      ).expect(200);
      const rows = csvRows(res.body);
      expect(rows.map((r) => r.analysisId)).toEqual(expect.arrayContaining(analysisIds));
      expect(rows.find((r) => r.event === 'CANCEL')?.reason).toBe('Umzug nach Hamburg');
      expect((await verify(res.body)).body).toMatchObject({ valid: true });
    });
  });

  it('ends the query when the client disconnects mid-export', async () => {
    // Enough rows that the export is still running when the client goes away. A load fixture: the
    // reports' per-row count trigger is off for it too (400,000 upserts would outlast the timeout).
    await t.db.query(`ALTER TABLE case_history DISABLE TRIGGER case_history_append_only`);
    await t.db.query(`ALTER TABLE case_history DISABLE TRIGGER case_history_count`);
    await t.db.query(
      `INSERT INTO case_history (case_id, seq, at, actor_type, event, to_phase, to_status, machine_version, case_ref, prev_hash, hash, chain_format, office_id)
       SELECT $1, g, now(), 'system', 'PAUSE', 'access', 'paused', 1, 'c_bulk', repeat('0', 64), repeat('1', 64), 1,
              (SELECT office_id FROM founder_case WHERE id = $1)
         FROM generate_series(100, 400099) g`,
      [caseIds[1]],
    );
    await t.db.query(`ALTER TABLE case_history ENABLE TRIGGER case_history_append_only`);
    await t.db.query(`ALTER TABLE case_history ENABLE TRIGGER case_history_count`);
    const address = t.app.getHttpServer().listen(0).address() as { port: number };
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        { port: address.port, path: '/api/v1/exports/phase-history', headers: w.as('auditorA') },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => undefined);
      req.end();
      setTimeout(() => reject(new Error('no data')), 10_000);
    });
    let running = 1;
    // Polls for at most 2 s; the export of 400k rows runs for longer than that when it is not ended.
    for (let i = 0; i < 20 && running > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [{ running }] = await t.db.query(
        `SELECT count(*)::int AS running FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY (%' AND state = 'active'`,
      );
    }
    expect(running).toBe(0);
  });
});
