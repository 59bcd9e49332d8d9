/**
 * `show` reads its session without zod (viewSession): the same session, the same output and the
 * same errors as the schema-checked read (resolveSession), over every sample file, broken ones
 * included, and refs matched on names alone as before.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderShow, type ShowOptions } from '../../src/commands/show.js';
import { discoverSessionFiles } from '../../src/session/discover.js';
import { idFromFileName } from '../../src/session/paths.js';
import { resolveSession, viewSession } from '../../src/session/ref.js';
import { type LoadedSession, loadEntries } from '../../src/session/store.js';
import { homeForEachTest } from '../helpers.js';
import { sampleSession } from '../sample-session.js';

const h = homeForEachTest({ fixtures: ['sessions', 'sessions-extra', 'broken'] });

const outcome = (p: Promise<LoadedSession>) =>
  p.then(
    (l) => ({ ok: l }),
    (e: Error) => ({ error: e.message }),
  );

const views: ShowOptions[] = [{}, { json: true }, { full: true }, { role: 'assistant' }];

describe('viewSession', () => {
  it('gives what the schema-checked read gives, for every file and ref', async () => {
    // a valid session the hand-written check must hand to zod for nothing: none should exist, and
    // one the schema refuses deep inside
    writeFileSync(
      join(h.sessions, 'session-2025-10-20-00-00-00.json'),
      JSON.stringify(
        sampleSession({ messages: [{ role: 'user', content: 'x', timestamp: 'no' }] }),
      ),
    );
    const { files } = await discoverSessionFiles(h.sessions);
    const { sessions } = await loadEntries(files);
    const named = sessions.flatMap((s) => (s.session.name ? [s.session.name] : []));
    expect(named.length).toBeGreaterThan(0);
    const refs = [
      ...named,
      'latest',
      'session-2025-10',
      'session-2025-08-07',
      ...files.map((f) => idFromFileName(f.name)),
      ...files.map((f) => f.name),
      'no-such-session',
    ];
    for (const ref of refs) {
      const viewed = await outcome(viewSession(h.sessions, ref));
      const checked = await outcome(resolveSession(h.sessions, ref));
      expect(viewed, ref).toEqual(checked);
      if ('ok' in viewed && 'ok' in checked) {
        for (const opts of views) {
          const render = (loaded: LoadedSession) =>
            renderShow(
              {
                loaded,
                messages: loaded.session.messages.map((message, index) => ({ index, message })),
              },
              opts,
            );
          expect(render(viewed.ok)).toEqual(render(checked.ok));
        }
      }
    }
  });

  it('latest is the last by start time, a -N suffix after its plain name', async () => {
    const { files } = await discoverSessionFiles(h.sessions);
    expect((await viewSession(h.sessions, 'latest')).file).toBe(files[files.length - 1]?.name);
    writeFileSync(
      join(h.sessions, 'session-2030-01-01-00-00-00-2.json'),
      JSON.stringify(sampleSession()),
    );
    writeFileSync(
      join(h.sessions, 'session-2030-01-01-00-00-00.json'),
      JSON.stringify(sampleSession()),
    );
    expect((await viewSession(h.sessions, 'latest')).file).toBe(
      'session-2030-01-01-00-00-00-2.json',
    );
  });
});
