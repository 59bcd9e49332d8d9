/**
 * The HTML report, rendered for real by headless Chromium: no console errors, the script ran,
 * and the totals on the page are those of `stats --json` and `cost --json` for the same filters.
 * A screenshot is kept in test-artifacts/ for a person to look at.
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/render/format.js';
import { copyFixtures, FIXTURES, makeHome, ROOT, runGrok, type TempHome } from '../helpers.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');

function chromium(args: string[], file: string) {
  const r = spawnSync(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--enable-logging=stderr',
      '--v=0',
      ...args,
      pathToFileURL(file).href,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.error) throw new Error(`chromium could not run (.ci/run installs it): ${r.error.message}`);
  return r;
}

/** What the page wrote to its console (Chromium logs every level, uncaught errors included). */
const consoleErrors = (stderr: string) => stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l));

const pageTotals = (dom: string) =>
  Object.fromEntries(
    [...dom.matchAll(/data-total="(\w+)">([^<]*)</g)].map((m) => [m[1], m[2] as string]),
  );

/** The hover titles of the bars of the chart with that label, in order ("2025-10-01: 1.2k"). */
function chartBars(dom: string, label: string): string[] {
  const svg = new RegExp(`<svg[^>]*aria-label="${label}"[^>]*>([\\s\\S]*?)</svg>`).exec(dom);
  if (!svg) throw new Error(`no chart '${label}' on the page`);
  return [...(svg[1] as string).matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1] as string);
}

const subtitle = (dom: string) => /<p class="sub">([^<]*)</.exec(dom)?.[1] ?? '';

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

/** A fixture session moved to start at `start`: every time in it shifted alike, named by it. */
function sessionAt(dir: string, start: string): void {
  const from = 'session-2025-08-07-10-53-42';
  const text = readFileSync(join(FIXTURES, 'sessions', `${from}.json`), 'utf8');
  const delta = Date.parse(start) - Date.parse('2025-08-07T10:53:42.000Z');
  const id = `session-${start.slice(0, 19).replace('T', '-').replace(/:/g, '-')}`;
  const moved = text
    .replace(ISO, (t) => new Date(Date.parse(t) + delta).toISOString())
    .replaceAll(from, id);
  writeFileSync(join(dir, `${id}.json`), moved);
}

const int = (text: string | undefined) => Number(String(text).replace(/,/g, ''));

describe('grok sessions report', () => {
  let home: TempHome;
  beforeEach(() => {
    home = makeHome();
    copyFixtures(home.sessions, 'sessions');
    copyFixtures(home.sessions, 'broken');
  });
  afterEach(() => home.cleanup());

  for (const filters of [[], ['--month', '2025-10'], ['--model', 'grok-4-0709']]) {
    it(`renders without console errors and shows the totals of stats and cost (${filters.join(' ') || 'all'})`, () => {
      const out = join(home.home, 'report.html');
      const r = runGrok(['sessions', 'report', ...filters, '--out', out], home.env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const html = readFileSync(out, 'utf8');
      // Self-contained: nothing is fetched (no src/href to anything, a CSP that forbids it).
      expect(html).not.toMatch(/<(script|link|img|iframe)[^>]*\s(src|href)=/i);
      expect(html).toContain("default-src 'none'");

      const stats = JSON.parse(
        runGrok(['sessions', 'stats', ...filters, '--json'], home.env).stdout,
      ) as {
        sessions: number;
        messages: number;
        toolCalls: number;
        tokens: { input: number; output: number; total: number };
      };
      const cost = JSON.parse(runGrok(['sessions', 'cost', ...filters, '--json'], home.env).stdout)
        .total as { cost: number; exact: number; estimated: number };

      const dom = chromium(['--dump-dom'], out);
      expect(dom.status).toBe(0);
      expect(consoleErrors(dom.stderr)).toEqual([]);
      // The inline script ran to its end (it marks the body with the session count).
      expect(dom.stdout).toContain(`data-ready="${stats.sessions}"`);
      const totals = pageTotals(dom.stdout);
      expect(int(totals.sessions)).toBe(stats.sessions);
      expect(int(totals.messages)).toBe(stats.messages);
      expect(int(totals.toolCalls)).toBe(stats.toolCalls);
      expect(int(totals.tokens)).toBe(stats.tokens.total);
      expect(int(totals.input)).toBe(stats.tokens.input);
      expect(int(totals.output)).toBe(stats.tokens.output);
      expect(totals.cost).toBe(`$${cost.cost.toFixed(2)}`);
      // billed and estimated side by side, as cost --json gives them
      expect(totals.exact).toBe(formatUsd(cost.exact));
      expect(totals.estimated).toBe(formatUsd(cost.estimated));

      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, `report${filters.length ? `-${filters[1]}` : ''}.png`);
      const s = chromium([`--screenshot=${shot}`, '--window-size=1200,3000'], out);
      expect(s.status).toBe(0);
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    });
  }

  it('the console check sees a page that throws (so a clean run means something)', () => {
    const bad = join(home.home, 'bad.html');
    writeFileSync(bad, '<!doctype html><body><script>throw new Error("boom")</script></body>');
    expect(consoleErrors(chromium(['--dump-dom'], bad).stderr).join('\n')).toContain('boom');
  });

  it('replaces an earlier report but never another file, unless --force', () => {
    const out = join(home.home, 'notes.html');
    writeFileSync(out, '<p>my notes</p>');
    const r = runGrok(['sessions', 'report', '--out', out], home.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `grok: ${out} exists and is not a grok report (choose another --out, or --force to replace it)\n`,
    );
    expect(readFileSync(out, 'utf8')).toBe('<p>my notes</p>');
    expect(runGrok(['sessions', 'report', '--out', out, '--force'], home.env).code).toBe(0);
    expect(runGrok(['sessions', 'report', '--out', out], home.env).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('grok sessions report');
  });

  it('escapes what the session files hold (a model name is text, not markup)', () => {
    const file = join(home.sessions, 'session-2025-10-04-08-54-09.json');
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    raw.model = '<img src=x onerror=alert(1)>';
    writeFileSync(file, JSON.stringify(raw));
    const out = join(home.home, 'r.html');
    expect(runGrok(['sessions', 'report', '--out', out], home.env).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('charts every day between two sessions 40 days apart, the empty ones at zero', () => {
    const h = makeHome();
    try {
      mkdirSync(h.sessions, { recursive: true });
      sessionAt(h.sessions, '2025-10-01T09:00:00.000Z');
      sessionAt(h.sessions, '2025-11-10T09:00:00.000Z');
      const out = join(h.home, 'gap.html');
      expect(runGrok(['sessions', 'report', '--out', out], h.env).code).toBe(0);
      const dom = chromium(['--dump-dom'], out).stdout;
      for (const [label, zero] of [
        ['Tokens per day', ': 0'],
        ['Cost per day', ': $0.00'],
      ] as const) {
        const bars = chartBars(dom, label);
        expect(bars).toHaveLength(41);
        expect(bars[0]).toMatch(/^2025-10-01: [^0]/);
        expect(bars[40]).toMatch(/^2025-11-10: [^0]/);
        expect(bars[20]).toBe(`2025-10-21${zero}`);
        expect(bars.filter((b) => b.endsWith(zero))).toHaveLength(39);
      }
      expect(subtitle(dom)).toMatch(/^all sessions, 1 October 2025 to 10 November 2025 · /);
    } finally {
      h.cleanup();
    }
  });

  it('charts a long period by month, every month between included', () => {
    const h = makeHome();
    try {
      mkdirSync(h.sessions, { recursive: true });
      sessionAt(h.sessions, '2025-03-15T09:00:00.000Z');
      sessionAt(h.sessions, '2025-10-01T09:00:00.000Z');
      const out = join(h.home, 'long.html');
      expect(runGrok(['sessions', 'report', '--out', out], h.env).code).toBe(0);
      const dom = chromium(['--dump-dom'], out).stdout;
      expect(dom).not.toContain('aria-label="Tokens per day"');
      const bars = chartBars(dom, 'Tokens per month');
      expect(bars.map((b) => b.slice(0, 7))).toEqual([
        '2025-03',
        '2025-04',
        '2025-05',
        '2025-06',
        '2025-07',
        '2025-08',
        '2025-09',
        '2025-10',
      ]);
      expect(bars.slice(1, 7).every((b) => b.endsWith(': 0'))).toBe(true);
      expect(bars[0]).not.toMatch(/: 0$/);
      expect(bars[7]).not.toMatch(/: 0$/);
    } finally {
      h.cleanup();
    }
  });

  it('lists the ten largest sessions by tokens, with their cost as the cost command shows it', () => {
    const out = join(home.home, 'top.html');
    expect(runGrok(['sessions', 'report', '--out', out], home.env).code).toBe(0);
    const dom = chromium(['--dump-dom'], out).stdout;
    const section = /<div id="largest-sessions">([\s\S]*?)<\/div>/.exec(dom)?.[1] ?? '';
    const rows = [...section.matchAll(/<tr><td>([\s\S]*?)<\/tr>/g)].map((m) =>
      [...`<td>${m[1]}`.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1] as string),
    );
    const sessions = (
      JSON.parse(runGrok(['sessions', 'cost', '--json'], home.env).stdout) as {
        sessions: { sessionId: string; total: number; startTime: string }[];
      }
    ).sessions;
    const top = [...sessions]
      .sort((a, b) => b.total - a.total || a.startTime.localeCompare(b.startTime))
      .slice(0, 10);
    expect(sessions.length).toBeGreaterThan(10);
    expect(rows.map((r) => r[0])).toEqual(top.map((s) => s.sessionId));
    expect(rows.map((r) => int(r[4]))).toEqual(top.map((s) => s.total));
    // the cost cell of `grok sessions cost --by session`: `~$1.23` when any of it is estimated
    const costCells = new Map(
      runGrok(['sessions', 'cost', '--by', 'session'], home.env)
        .stdout.split('\n')
        .filter((l) => l.startsWith('session-'))
        .map((l) => [l.split(/\s+/)[0], l.trim().split(/\s+/).pop()]),
    );
    expect(rows.map((r) => r[5])).toEqual(top.map((s) => costCells.get(s.sessionId)));
    expect(rows.some((r) => r[5]?.startsWith('~$'))).toBe(true);
  });

  for (const [filters, words] of [
    [['--month', '2025-11'], 'November 2025'],
    [['--since', '2025-10-01', '--until', '2025-12-18'], '1 October 2025 to 18 December 2025'],
    [[], 'all sessions, 7 August 2025 to 18 December 2025'],
    [['--model', 'grok-3'], 'all sessions, 12 August 2025 to 18 December 2025 · --model grok-3'],
  ] as const) {
    it(`says the period in words in the subtitle (${filters.join(' ') || 'all'})`, () => {
      const out = join(home.home, 'period.html');
      expect(runGrok(['sessions', 'report', ...filters, '--out', out], home.env).code).toBe(0);
      const dom = chromium(['--dump-dom'], out).stdout;
      expect(subtitle(dom)).toMatch(new RegExp(`^${words} · generated \\d{4}-\\d{2}-\\d{2} `));
    });
  }
});
