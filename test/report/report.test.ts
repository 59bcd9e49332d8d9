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
import { copyFixtures, makeHome, ROOT, runGrok, type TempHome } from '../helpers.js';

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
});
