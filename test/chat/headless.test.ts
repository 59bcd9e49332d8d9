import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runGrokAsync, type TempHome } from '../helpers.js';
import { type FakeServer, type RecordedRequest, textMessages, toolOutputs } from './fake-server.js';
import { eachChatFixture } from './setup.js';

let home: TempHome;
let server: FakeServer;
let baseEnv: NodeJS.ProcessEnv;
eachChatFixture((fx) => {
  ({ home, server, env: baseEnv } = fx);
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...baseEnv, ...extra };
}

describe('grok -p (acceptance 1)', () => {
  it('prints the streamed reply and leaves the sessions directory empty', async () => {
    server.push({ content: 'The answer is 42.', usage: { prompt: 50, completion: 7 } });
    const r = await runGrokAsync(['-p', 'what is the answer?'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('The answer is 42.\n');
    expect(readdirSync(home.sessions)).toEqual([]);
    const req = server.requests[0] as RecordedRequest;
    expect(req.path).toBe('/v1/responses');
    expect(req.body).toMatchObject({
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      model: 'grok-4.3',
    });
    // No session, no conversation to key the prompt cache with.
    expect(req.body).not.toHaveProperty('prompt_cache_key');
    expect(req.body.tools.map((t: { name: string }) => t.name)).toEqual(['Glob', 'Grep', 'Read']);
    expect(req.headers.authorization).toBe('Bearer test-key');
    expect(textMessages(req).at(-1)).toEqual({ role: 'user', content: 'what is the answer?' });
    expect(textMessages(req)[0]?.role).toBe('system');
  });

  it('reads the message from stdin and prints JSON with usage and the billed cost', async () => {
    server.push({
      content: 'from stdin',
      usage: { prompt: 30, completion: 4, cached: 20, reasoning: 6, ticks: 37_756_000 },
    });
    const r = await runGrokAsync(['-p', '--json', '-m', 'grok-test'], env(), {
      input: 'hello from a pipe\n',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      reply: 'from stdin',
      model: 'grok-test',
      usage: {
        input: 30,
        output: 10,
        total: 40,
        cachedInput: 20,
        reasoning: 6,
        costUsdTicks: 37_756_000,
      },
      costUsd: 0.0037756,
    });
    const req = server.requests[0] as RecordedRequest;
    expect(req.body.model).toBe('grok-test');
    expect(textMessages(req).at(-1)?.content).toBe('hello from a pipe\n');
    expect(readdirSync(home.sessions)).toEqual([]);
  });

  it('--json says when no cost was billed, over chat completions too', async () => {
    server.push({ content: 'plain', usage: { prompt: 12, completion: 3, reasoning: 5 } });
    const r = await runGrokAsync(['-p', '--json', 'hi'], env({ GROK_API: 'chat' }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      reply: 'plain',
      model: 'grok-4.3',
      usage: { input: 12, output: 8, total: 20, cachedInput: 0, reasoning: 5 },
      costUsd: null,
    });
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
    expect(server.requests[0]?.body.stream_options).toEqual({ include_usage: true });
    // -p has no session: no conversation id for the cache either
    expect(server.requests[0]?.headers['x-grok-conv-id']).toBeUndefined();
  });

  it('runs tool calls in headless mode too and answers after them', async () => {
    server.push(
      { toolCalls: [{ name: 'Read', arguments: { path: 'package.json' } }] },
      { content: 'It is grok-sessions.' },
    );
    const r = await runGrokAsync(['-p', 'name?'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('It is grok-sessions.\n');
    const [output] = toolOutputs(server.requests[1] as RecordedRequest);
    expect(output).toContain('"name": "grok-sessions"');
  });

  it('a missing key, a 401, a 429 and a 5xx each give one line', async () => {
    // --resume with a ref that names nothing says so, before asking for a key
    const noSession = await runGrokAsync(['-r', 'nosuch'], {
      ...env(),
      GROK_API_KEY: '',
      XAI_API_KEY: '',
    });
    expect([noSession.code, noSession.stderr]).toEqual([
      1,
      `grok: no session matches 'nosuch' in ${home.sessions} (see grok sessions list)\n`,
    ]);
    const noKey = await runGrokAsync(['-p', 'hi'], { ...env(), GROK_API_KEY: '', XAI_API_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr.trim().split('\n')).toHaveLength(1);
    expect(noKey.stderr).toContain('no API key: set GROK_API_KEY or XAI_API_KEY');

    server.push({ status: 401 });
    const unauthorized = await runGrokAsync(['-p', 'hi'], env());
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr.trim().split('\n')).toHaveLength(1);
    expect(unauthorized.stderr).toContain('refused the key (HTTP 401)');

    server.push({ status: 429 }, { status: 429 }, { status: 429 }, { status: 429 });
    const limited = await runGrokAsync(['-p', 'hi'], env());
    expect(limited.code).toBe(1);
    expect(limited.stderr.trim().split('\n')).toHaveLength(1);
    expect(limited.stderr).toContain('HTTP 429) after 3 retries');

    const before = server.requests.length;
    server.push({ status: 503 }, { status: 502 }, { content: 'recovered' });
    const retried = await runGrokAsync(['-p', 'hi'], env());
    expect(retried.stdout).toBe('recovered\n');
    expect(server.requests.length - before).toBe(3);

    server.push({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const failing = await runGrokAsync(['-p', 'hi'], env());
    expect(failing.code).toBe(1);
    expect(failing.stderr.trim().split('\n')).toHaveLength(1);
    expect(failing.stderr).toContain('the API failed (HTTP 500) after 3 retries');
  });

  it('on a terminal, each wait for a retry is shown on stderr before the reply', () => {
    server.push(
      { status: 503, retryAfterMs: 1500 },
      { status: 502, retryAfterMs: 300 },
      { content: 'recovered' },
    );
    const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
    const command = [process.execPath, BIN, '-p', 'hi'].map(quote).join(' ');
    // script(1) gives grok a real pty; spawnSync would block the fake server's event loop
    return new Promise<void>((resolve, reject) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        env: env({ NO_COLOR: '1' }),
      });
      let screen = '';
      child.stdout.on('data', (d: Buffer) => {
        screen += d.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => {
        try {
          expect(code).toBe(0);
          expect(screen.replaceAll('\r\n', '\n')).toBe(
            [
              'grok: the API answered HTTP 503; retrying in 1.5 s, 1 of 3',
              'grok: the API answered HTTP 502; retrying in 300 ms, 2 of 3',
              'recovered',
              '',
            ].join('\n'),
          );
          resolve();
        } catch (error) {
          reject(error);
        }
      });
    });
  }, 30_000);

  it('stops quietly when its reader does: `grok -p ... | head`', async () => {
    // 400 KB streamed in 40 pieces: far more than a pipe holds once head has gone.
    server.push({ content: 'x'.repeat(400_000), chunks: 40 });
    const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        'bash',
        ['-c', `"$NODE" "$GROK" -p hello 2>"$HOME/err" | head -c 5; echo " \${PIPESTATUS[0]}"`],
        { env: env({ NODE: process.execPath, GROK: BIN }) },
      );
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.on('close', () =>
        resolve({ stdout, stderr: readFileSync(join(home.home, 'err'), 'utf8') }),
      );
    });
    expect(r.stdout).toBe('xxxxx 0\n');
    expect(r.stderr).toBe('');
  });
});
