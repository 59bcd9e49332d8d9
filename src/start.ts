/**
 * `npm start`: the main job on the user's own sessions when there are any, else on the sample
 * sessions bundled in fixtures/, so a fresh clone shows something real.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverSessionFiles } from './session/discover.js';
import { sessionsDir } from './session/paths.js';

const MAIN_JOB = ['sessions', 'stats'];

async function main(): Promise<number> {
  const own = sessionsDir();
  const args = [...MAIN_JOB, ...process.argv.slice(2)];
  const { files } = await discoverSessionFiles(own);
  const env = { ...process.env };
  let scratch: string | undefined;
  if (files.length === 0) {
    const samples = fileURLToPath(new URL('../fixtures/sessions', import.meta.url));
    process.stderr.write(
      `No sessions in ${own} yet: showing the bundled samples (fixtures/sessions).\n`,
    );
    args.push('--sessions-dir', samples);
    // The samples' index goes to a scratch home, not into the user's.
    scratch = mkdtempSync(join(tmpdir(), 'grok-samples-'));
    env.GROK_HOME = scratch;
  }
  const bin = fileURLToPath(new URL('./grok.cjs', import.meta.url));
  try {
    const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', env });
    return r.status ?? 1;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`grok: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
