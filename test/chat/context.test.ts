import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE_PROMPT, describeContext, loadStartupContext } from '../../src/chat/context.js';

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'grok-context-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('start-up context', () => {
  it('takes GROK.md and docs-index.md from the nearest parent that has them, with their size', async () => {
    const project = join(base, 'project');
    const deep = join(project, 'src', 'deep');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(base, 'GROK.md'), 'OUTER NOTES');
    writeFileSync(join(project, 'GROK.md'), 'project notes '.repeat(100));
    writeFileSync(join(project, 'docs-index.md'), '- docs/a.md\n');
    const ctx = await loadStartupContext(deep);
    expect(ctx.dir).toBe(project);
    expect(ctx.files).toEqual(['GROK.md', 'docs-index.md']);
    expect(ctx.content.startsWith(BASE_PROMPT)).toBe(true);
    expect(ctx.content).toContain('# GROK.md\n\nproject notes');
    expect(ctx.content).toContain('# docs-index.md\n\n- docs/a.md');
    expect(ctx.content).not.toContain('OUTER');
    expect(ctx.tokens).toBe(Math.ceil(ctx.content.length / 4));
    expect(describeContext(ctx)).toBe(
      `Loaded GROK.md + docs-index.md (~${ctx.tokens.toLocaleString('en-US')} tokens)`,
    );
  });

  it('without them the system message is the base prompt alone', async () => {
    const ctx = await loadStartupContext(base);
    expect(ctx.files).toEqual([]);
    expect(ctx.content).toBe(BASE_PROMPT);
    expect(describeContext(ctx)).toMatch(/^No GROK\.md or docs-index\.md found/);
  });
});
