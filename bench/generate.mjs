/**
 * A seeded generator of realistic session files for the benchmark: the same seed gives the same
 * bytes. Sessions average about 50 KB: a system prompt, user/assistant turns, tool calls whose
 * results carry file contents and listings, per-message usage, a few failed calls.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = [
  'grok-4',
  'grok-4',
  'grok-code-fast-1',
  'grok-3-mini',
  'grok-2-1212',
  'grok-4-fast',
];
const TOOLS = ['Read', 'Read', 'Grep', 'Glob', 'Bash', 'Edit'];
const WORDS =
  'the auth middleware token session user request handler error route config cache database query index schema test build deploy refactor function module import export async await promise retry timeout'.split(
    ' ',
  );
const PROJECTS = ['/home/dev/api', '/home/dev/web', '/home/dev/cli', '/home/dev/infra'];

const pad = (n) => String(n).padStart(2, '0');

function words(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  return out.join(' ');
}

function codeLines(r, n) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  const ${WORDS[Math.floor(r() * WORDS.length)]}${i} = await ${words(r, 3).replace(/ /g, '_')}(${i});`,
    );
  }
  return lines.join('\n');
}

export function fileNameFor(start) {
  return `session-${start.getUTCFullYear()}-${pad(start.getUTCMonth() + 1)}-${pad(start.getUTCDate())}-${pad(start.getUTCHours())}-${pad(start.getUTCMinutes())}-${pad(start.getUTCSeconds())}.json`;
}

/** One session starting at `startMs`. */
export function makeSession(r, startMs) {
  const model = MODELS[Math.floor(r() * MODELS.length)];
  const turns = 9 + Math.floor(r() * 16);
  let t = startMs;
  const at = (dt) => {
    t += dt;
    return new Date(t).toISOString();
  };
  const messages = [{ role: 'system', content: `# GROK.md\n${words(r, 400)}` }];
  let input = 3500;
  let output = 0;
  for (let i = 0; i < turns; i++) {
    messages.push({
      role: 'user',
      content: words(r, 10 + Math.floor(r() * 40)),
      timestamp: at(20_000 + r() * 120_000),
    });
    const calls = [];
    const nCalls = Math.floor(r() * 4);
    for (let c = 0; c < nCalls; c++) {
      const tool = TOOLS[Math.floor(r() * TOOLS.length)];
      const failed = r() < 0.05;
      calls.push({
        tool,
        parameters:
          tool === 'Bash'
            ? { command: `npm test -- ${words(r, 2)}` }
            : { path: `src/${words(r, 1)}/${words(r, 1)}.ts` },
        result: failed
          ? { error: `ENOENT: ${words(r, 4)}` }
          : codeLines(r, 8 + Math.floor(r() * 20)),
      });
    }
    const out = 100 + Math.floor(r() * 900);
    const inp = 1500 + Math.floor(r() * 4000);
    input += inp;
    output += out;
    messages.push({
      role: 'assistant',
      content: `${words(r, 30 + Math.floor(r() * 120))}\n\n\`\`\`ts\n${codeLines(r, 4)}\n\`\`\``,
      timestamp: at(1_000 + r() * 20_000),
      ...(calls.length ? { toolCalls: calls } : {}),
      usage: { input: inp, output: out, total: inp + out },
    });
  }
  const id = fileNameFor(new Date(startMs)).replace(/\.json$/, '');
  const status = r() < 0.85 ? 'ended' : r() < 0.5 ? 'interrupted' : 'active';
  return {
    sessionId: id,
    startTime: new Date(startMs).toISOString(),
    endTime: at(5_000),
    model,
    messages,
    tokenUsage: { input, output, total: input + output },
    metadata: {
      workingDirectory: PROJECTS[Math.floor(r() * PROJECTS.length)],
      nodeVersion: '20.10.0',
      grokVersion: '1.1.101',
    },
    status,
  };
}

/**
 * Writes `count` sessions into `dir`, one every ~13 minutes from `fromMs`; returns total bytes.
 * Session files are pretty-printed, as the runtime writes them.
 */
export function generate(dir, count, { seed = 42, fromMs = Date.UTC(2024, 0, 1) } = {}) {
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  let bytes = 0;
  let t = fromMs;
  for (let i = 0; i < count; i++) {
    t += 60_000 + Math.floor(r() * 1_500_000);
    t -= t % 1000;
    const session = makeSession(r, t);
    const text = `${JSON.stringify(session, null, 2)}\n`;
    writeFileSync(join(dir, fileNameFor(new Date(t))), text, { mode: 0o600 });
    bytes += Buffer.byteLength(text);
  }
  return { bytes, lastMs: t };
}
