/**
 * `npm start`: the main job on the user's own sessions when there are any, else on the sample
 * sessions bundled in fixtures/, so a fresh clone shows something real.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { discoverSessionFiles } from './session/discover.js';
import { sessionsDir } from './session/paths.js';

const MAIN_JOB = ['sessions', 'stats'];

async function main(): Promise<number> {
  const own = sessionsDir();
  const args = [...MAIN_JOB, ...process.argv.slice(2)];
  const { files } = await discoverSessionFiles(own);
  if (files.length === 0) {
    const samples = fileURLToPath(new URL('../fixtures/sessions', import.meta.url));
    process.stderr.write(
      `No sessions in ${own} yet: showing the bundled samples (fixtures/sessions).\n`,
    );
    args.push('--sessions-dir', samples);
  }
  const bin = fileURLToPath(new URL('./index.js', import.meta.url));
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  return r.status ?? 1;
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
