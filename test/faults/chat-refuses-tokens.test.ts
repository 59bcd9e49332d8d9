/**
 * In a chat, /name and /tag refuse a token as `grok sessions rename` and `tag` do: the kind named,
 * the value never echoed, nothing saved; the session goes on.
 */
import { describe, expect, it } from 'vitest';
import { type ChatFixture, eachChatInTerminal, readSession, sessionFiles } from '../chat/setup.js';
import type { Terminal } from '../chat/terminal.js';
import { EXAMPLES } from '../secrets/examples.js';

let fx: ChatFixture;
let term: Terminal;
eachChatInTerminal((f, t) => ([fx, term] = [f, t]));

describe('the chat refuses a token as a name or a tag', () => {
  it('/name and /tag name its kind, and the file holds neither', async () => {
    const ghp = EXAMPLES.find((e) => e.kind === 'github-token')?.secret as string;
    const xai = EXAMPLES.find((e) => e.kind === 'xai-api-key')?.secret as string;
    fx.server.push({ content: 'Hello.', usage: { prompt: 20, completion: 2 } });
    term.start([], fx.env, fx.project);
    await term.waitFor(/^>\s*$/m);
    term.type('hi');
    await term.waitFor(/Hello\./);
    term.type(`/name deploy ${ghp}`);
    await term.waitFor(
      /refused session name: ghp_…\(40 chars\) looks like a credential: GitHub token/,
    );
    term.type(`/tag ${xai}`);
    await term.waitFor(/refused tag: xai-…\(84 chars\) looks like a credential: xAI API key/);
    term.type('/tag ok');
    await term.waitFor(/tags: ok/);
    // the line typed shows it, as typed; the refusals do not repeat it
    const refusals = term
      .screen()
      .split('\n')
      .filter((l) => l.includes('refused'));
    expect(refusals).toHaveLength(2);
    for (const line of refusals) expect(line).not.toMatch(/ghp_aB3d|xai-aB3d/);
    term.type('/exit');
    await term.waitFor(/\[exit 0\]/);
    const [file] = sessionFiles(fx.home.sessions);
    const { session } = readSession(`${fx.home.sessions}/${file}`);
    expect(session.name).toBeUndefined();
    expect(session.tags).toEqual(['ok']);
  });
});
