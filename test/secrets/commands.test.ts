/**
 * secrets, redact and export end to end: a session holding every kind of credential (and a near
 * miss for each) in message content, tool parameters and tool results.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSessionText } from '../../src/session/read.js';
import { makeHome, runGrok, sh, type TempHome } from '../helpers.js';
import { sampleSession } from '../sample-session.js';
import { EXAMPLES } from './examples.js';

const FILE = 'session-2025-11-05-14-30-12.json';

function sessionWithSecrets(): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [{ role: 'system', content: 'You are Grok.' }];
  EXAMPLES.forEach((e, i) => {
    const ts = new Date(Date.UTC(2025, 10, 5, 14, 31, i * 2)).toISOString();
    if (i % 3 === 0)
      messages.push({ role: 'user', content: `${e.text}\nand ${e.nearMiss}`, timestamp: ts });
    else if (i % 3 === 1)
      messages.push({
        role: 'assistant',
        content: `near miss: ${e.nearMiss}`,
        timestamp: ts,
        toolCalls: [{ tool: 'Grep', parameters: { pattern: e.text }, result: [] }],
      });
    else
      messages.push({
        role: 'assistant',
        content: 'Reading the file.',
        timestamp: ts,
        toolCalls: [
          {
            tool: 'Read',
            parameters: { path: 'config/.env' },
            result: `# config\n${e.text}\n# ${e.nearMiss}\n`,
          },
        ],
      });
  });
  return sampleSession({ messages, tags: ['secrets'] });
}

describe('secrets, redact, export', () => {
  let home: TempHome;
  let file: string;
  beforeEach(() => {
    home = makeHome();
    file = join(home.sessions, FILE);
    writeFileSync(file, `${JSON.stringify(sessionWithSecrets(), null, 2)}\n`, { mode: 0o600 });
    writeFileSync(
      join(home.sessions, 'session-2025-11-06-09-00-00.json'),
      `${JSON.stringify(sampleSession({ sessionId: 'session-2025-11-06-09-00-00' }), null, 2)}\n`,
    );
  });
  afterEach(() => home.cleanup());

  it('secrets finds exactly the real credentials, masked, and exits 1', () => {
    const r = runGrok(['sessions', 'secrets', '--json'], home.env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      scanned: number;
      findings: {
        file: string;
        kind: string;
        preview: string;
        messageIndex: number;
        field: string;
      }[];
    };
    expect(out.scanned).toBe(2);
    expect(out.findings.map((f) => f.kind)).toEqual(EXAMPLES.map((e) => e.kind));
    expect(out.findings.every((f) => f.file === FILE)).toBe(true);
    for (const e of EXAMPLES) expect(r.stdout).not.toContain(e.secret);
    expect(out.findings[1]).toMatchObject({
      messageIndex: 2,
      field: 'toolCalls[0].parameters.pattern',
    });
    expect(out.findings[2]).toMatchObject({ messageIndex: 3, field: 'toolCalls[0].result' });

    const table = runGrok(['sessions', 'secrets'], home.env);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain(
      `${EXAMPLES.length} secrets in 1 session; grok sessions redact <ref> replaces them`,
    );
    for (const e of EXAMPLES) expect(table.stdout).not.toContain(e.secret);
    expect(runGrok(['sessions', 'secrets', 'session-2025-11-06'], home.env).code).toBe(0);
  });

  it('a file it cannot read is named, never taken for a clean one', () => {
    // the secrets file cut short: its credentials cannot be scanned
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length / 2));
    const r = runGrok(['sessions', 'secrets'], home.env);
    // not clean: a gate on the exit code must not pass it
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('No secrets found in 1 session; 1 file could not be read.\n');
    expect(runGrok(['sessions', 'secrets', '--json'], home.env).code).toBe(1);
    expect(r.stderr).toBe('grok: warning: 1 file could not be read; see grok sessions doctor\n');
  });

  it('redact removes them in place; the file stays a valid session with the same counts', () => {
    const before = JSON.parse(readFileSync(file, 'utf8'));
    const jqBefore = sh(
      `jq -r '.tokenUsage.total, (.messages | length), ([.messages[].toolCalls[]?.tool] | length)' "${file}"`,
    );
    const dry = runGrok(['sessions', 'redact', 'session-2025-11-05', '--dry-run'], home.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      `would redact ${EXAMPLES.length} secrets in ${FILE}\n0 sessions had no secrets\n`,
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(before);

    expect(runGrok(['sessions', 'redact', '--all'], home.env).code).toBe(1); // no terminal, no --yes
    const r = runGrok(['sessions', 'redact', '--all', '--yes'], home.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`redacted ${EXAMPLES.length} secrets in ${FILE}`);
    const text = readFileSync(file, 'utf8');
    for (const e of EXAMPLES) expect(text).not.toContain(e.secret);
    for (const e of EXAMPLES) expect(text).toContain(e.nearMiss.split('\n')[0]?.slice(0, 20) ?? '');
    expect(parseSessionText(text).ok).toBe(true);
    expect(
      sh(
        `jq -r '.tokenUsage.total, (.messages | length), ([.messages[].toolCalls[]?.tool] | length)' "${file}"`,
      ),
    ).toBe(jqBefore);
    const after = runGrok(['sessions', 'secrets', '--json'], home.env);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).findings).toEqual([]);
  });

  it('a tool result nested thousands deep stops neither a scan nor a redaction of the others', () => {
    // JSON.parse reads it (iteratively); anything that recursed over it ran out of stack
    const deepFile = join(home.sessions, 'session-2025-11-07-00-00-00.json');
    const deep = sampleSession({ sessionId: 'session-2025-11-07-00-00-00' });
    const text = JSON.stringify(deep).replace(
      '"messages":[',
      `"messages":[{"role":"assistant","content":"x","toolCalls":[{"tool":"Read","parameters":{},"result":${'['.repeat(20_000)}${']'.repeat(20_000)}}]},`,
    );
    writeFileSync(deepFile, text, { mode: 0o600 });
    const scan = runGrok(['sessions', 'secrets', '--json'], home.env);
    expect(scan.stderr).toBe('');
    // search indexes its text, the deep value as a mark: no note that the file changed meanwhile
    const search = runGrok(['sessions', 'search', 'nested too deeply', '--json'], home.env);
    expect(search.stderr).toBe('');
    expect(JSON.parse(search.stdout).hits.map((x: { file: string }) => x.file)).toEqual([
      'session-2025-11-07-00-00-00.json',
    ]);
    expect(JSON.parse(scan.stdout).findings.length).toBe(EXAMPLES.length);
    const r = runGrok(['sessions', 'redact', '--all', '--yes'], home.env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`redacted ${EXAMPLES.length} secrets in ${FILE}`);
    // a tag changes the bytes of the tags alone: the deep value is never written anew
    const tag = runGrok(['sessions', 'tag', 'session-2025-11-07-00-00-00', 'x'], home.env);
    expect([tag.code, tag.stderr]).toEqual([0, '']);
    expect(readFileSync(deepFile, 'utf8')).toBe(`${text.slice(0, -1)},"tags":["x"]}`);
  });

  it('redact leaves no copy in the index, the search store or the answer cache', () => {
    const secret = EXAMPLES[0]?.secret as string;
    // search keeps the text, lowered, in its store beside the index, and its answer (a snippet)
    const found = runGrok(['sessions', 'search', secret.slice(0, 40)], home.env);
    expect(found.stdout).toContain(secret.slice(0, 40));
    const index = join(home.home, 'index.duckdb');
    const store = join(home.home, 'search');
    const inStore = () =>
      existsSync(store) &&
      readdirSync(store).some((f) => readFileSync(join(store, f)).includes(secret.toLowerCase()));
    expect(inStore()).toBe(true);
    expect(readdirSync(join(home.home, 'answers')).length).toBeGreaterThan(0);

    // blocks DuckDB spilled during a build that stopped before its close hold the text too
    mkdirSync(join(home.home, 'index.duckdb.tmp'));
    writeFileSync(join(home.home, 'index.duckdb.tmp', 'duckdb_temp_storage_S32K-0.tmp'), secret);
    // a repair backup of the session: kept as it is, and named
    const backup = `${FILE}.bak-20251106-000000`;
    writeFileSync(join(home.sessions, backup), readFileSync(file), { mode: 0o600 });
    const r = runGrok(['sessions', 'redact', '--all', '--yes'], home.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'removed the index, its search store and the answer cache, which held copies',
    );
    expect(r.stdout).toContain(`${backup}, a repair backup, still holds the text as it was`);
    expect(readFileSync(join(home.sessions, backup)).equals(readFileSync(file))).toBe(false);
    expect(
      readdirSync(home.home).filter(
        (n) => n.startsWith('index') || n === 'answers' || n === 'search',
      ),
    ).toEqual([]);
    // built again from the redacted files: the secret is nowhere
    const again = runGrok(['sessions', 'search', secret.slice(0, 40)], home.env);
    expect(again.stdout).toMatch(/^No match for /);
    expect(readFileSync(index).includes(secret)).toBe(false);
    expect(inStore()).toBe(false);
    // nothing to redact: the caches stay
    expect(runGrok(['sessions', 'redact', '--all', '--yes'], home.env).stdout).not.toContain(
      'removed the index',
    );
    expect(readdirSync(home.home)).toContain('index.duckdb');
  });

  it('export --format md contains none of the secrets, unless --no-redact', () => {
    const md = runGrok(['sessions', 'export', 'session-2025-11-05', '--format', 'md'], home.env);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# session-2025-11-05-14-30-12\n/);
    for (const e of EXAMPLES) expect(md.stdout).not.toContain(e.secret);
    expect(md.stdout).toContain('[REDACTED:xai-api-key]');
    expect(md.stdout).toContain('<summary>Tool call: <code>Read</code></summary>');

    const html = runGrok(
      [
        'sessions',
        'export',
        'session-2025-11-05',
        '--format',
        'html',
        '--out',
        join(home.home, 'share.html'),
      ],
      home.env,
    );
    expect(html.code).toBe(0);
    const page = readFileSync(join(home.home, 'share.html'), 'utf8');
    for (const e of EXAMPLES) expect(page).not.toContain(e.secret);
    expect(page).not.toMatch(/<script|<link|\ssrc=|@import|url\(/);

    const raw = runGrok(
      ['sessions', 'export', 'session-2025-11-05', '--format', 'json', '--no-redact'],
      home.env,
    );
    expect(JSON.parse(raw.stdout)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
  it('export <ref> --out never overwrites a file, and writes into a directory under the session name', () => {
    const exportTo = (out: string, format = 'md') =>
      runGrok(
        ['sessions', 'export', 'session-2025-11-05', '--format', format, '--out', out],
        home.env,
      );
    // Another session file, and a file of the user's: both refused, both left as they were.
    const other = join(home.sessions, 'session-2025-11-06-09-00-00.json');
    writeFileSync(other, '{"keep": true}\n');
    const mine = join(home.home, 'notes.md');
    writeFileSync(mine, 'mine\n');
    for (const target of [other, mine]) {
      const r = exportTo(target);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`grok: ${target} already exists: it is never overwritten\n`);
    }
    expect(readFileSync(other, 'utf8')).toBe('{"keep": true}\n');
    // a value that looks like a number is the path typed, and an empty one is refused
    const digits = runGrok(
      ['sessions', 'export', 'session-2025-11-05', '--format', 'md', '--out', '007'],
      home.env,
      { cwd: home.home },
    );
    expect([digits.code, digits.stderr]).toEqual([
      0,
      `wrote 007 (${EXAMPLES.length} secret(s) redacted)\n`,
    ]);
    expect(readFileSync(join(home.home, '007'), 'utf8')).toMatch(/^# session-2025-11-05/);
    expect(exportTo('').stderr).toBe('grok: --out: give a path\n');
    expect(exportTo(join(home.home, 'no-such-dir/')).stderr).toBe(
      `grok: --out: directory ${join(home.home, 'no-such-dir/')} does not exist\n`,
    );
    const nowhere = join(home.home, 'no-such-dir', 'x.md');
    expect(exportTo(nowhere).stderr).toBe(
      `grok: could not save ${nowhere}: directory ${join(home.home, 'no-such-dir')} does not exist\n`,
    );
    expect(readFileSync(mine, 'utf8')).toBe('mine\n');
    // A directory: the transcript goes in under the session file's name, once.
    const shared = join(home.home, 'shared');
    mkdirSync(shared);
    expect(exportTo(shared).code).toBe(0);
    expect(readFileSync(join(shared, `${FILE.replace(/\.json$/, '')}.md`), 'utf8')).toMatch(
      /^# session-2025-11-05-14-30-12\n/,
    );
    expect(exportTo(shared).code).toBe(1);
    // no temp file left behind
    expect(readdirSync(shared)).toEqual([`${FILE.replace(/\.json$/, '')}.md`]);
    expect(readdirSync(home.home).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
