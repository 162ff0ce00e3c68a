import { parse } from 'csv-parse/sync';
import { AuditAction } from '../../src/audit/audit-action';
import { eventLeafHash } from '../../src/audit/audit-hash';
import { AuditEventView } from '../../src/audit/audit.repository';
import { ApiClient, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { auditorClient, lastSeq } from './audit-support';

/** The streamed body, collected as text by `download`. */
function text(response: { body: unknown }): string {
  if (typeof response.body !== 'string') throw new Error('expected a text body');
  return response.body;
}

describe('audit export', () => {
  let t: TestApp;
  let make: Make;
  let auditor: ApiClient;
  let trickyTokenName: string;
  let formulaUser: string;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    auditor = await auditorClient(make);
    // A name a spreadsheet would run as a formula, and a value full of CSV delimiters.
    formulaUser = '=HYPERLINK("http://evil.test","click")';
    const signedIn = await make.user(['rater'], formulaUser);
    trickyTokenName = 'said "hi",\nthen left; -1+1 @home';
    await signedIn.client.post('/auth/tokens', { name: trickyTokenName }).expect(201);
  });
  afterAll(() => t.close());

  const download = (client: ApiClient, query: string) =>
    client
      .get(`/audit/export?${query}`)
      .buffer(true)
      .parse((res, done) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (data += chunk));
        res.on('end', () => done(null, data));
      });

  it('streams JSONL that an outsider can re-verify line by line', async () => {
    const before = await lastSeq(t.db);
    const response = await download(auditor, 'format=jsonl').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-/);
    // Streamed, not buffered into one body of known length.
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['content-length']).toBeUndefined();

    const lines = text(response).trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as AuditEventView);
    expect(events.map((e) => Number(e.seq))).toEqual(
      Array.from({ length: before }, (_, i) => i + 1),
    );
    // Each line carries its leaf hash, SHA-256(0x00 || canonical JSON); an inclusion proof
    // (GET /audit/proofs/inclusion) ties it to a signed checkpoint.
    for (const { prevHash, hash, ...hashed } of events) {
      expect(prevHash).toBeNull();
      expect(eventLeafHash(hashed).toString('hex')).toBe(hash);
    }
    // The export is on record, naming its format, and comes right after what it exported.
    const [event]: { seq: string; action: string; after: unknown }[] = await t.db.query(
      'SELECT seq, action, after FROM audit_events WHERE seq = $1',
      [before + 1],
    );
    expect(event).toMatchObject({ action: AuditAction.AuditExported, after: { format: 'jsonl' } });
  });

  it('streams CSV that parses back exactly, with formula cells neutralised', async () => {
    const before = await lastSeq(t.db);
    const response = await download(auditor, 'format=csv').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse<Record<string, string>>(text(response), { columns: true });
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: before }, (_, i) => i + 1));
    expect(Object.keys(rows[0])).toEqual([
      'seq',
      'occurredAt',
      'actorId',
      'actorName',
      'actorRole',
      'action',
      'entityType',
      'entityId',
      'studyId',
      'before',
      'after',
      'reason',
      'requestId',
      'ip',
      'userAgent',
      'prevHash',
      'hash',
    ]);

    const token = rows.find((r) => r.action === AuditAction.TokenCreated)!;
    expect(token.actorName).toBe(`'${formulaUser}`);
    expect(JSON.parse(token.after)).toEqual({ name: trickyTokenName, scope: 'full' });
    for (const row of rows) {
      for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('applies the same filters as the event list', async () => {
    const { user } = await make.rater();
    const response = await download(auditor, `format=jsonl&entityType=user&entityId=${user.id}`);
    const events = text(response)
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEventView);
    expect(events.map((e) => e.action)).toEqual([AuditAction.UserCreated]);

    const csv = await download(auditor, `format=csv&action=no.such-action`).expect(200);
    expect(parse(text(csv), { columns: true })).toEqual([]);
    await auditor.get('/audit/export?format=xml').expect(400);
  });

  it('is not available to coordinators', async () => {
    const { client } = await make.coordinator();
    // 404, as for anything a role may not see (DESIGN: the answer reveals nothing).
    await client.get('/audit/export?format=csv').expect(404);
  });
});
