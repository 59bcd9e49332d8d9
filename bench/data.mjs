/** The bench's generated data sets: bench/data/home-N (git-ignored), made once per count. */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from './generate.mjs';

/** The data set of `n` sessions (seed 42) under `root`/bench/data, generated when missing. */
export function dataSetAt(root, n) {
  const home = join(root, 'bench', 'data', `home-${n}`);
  const sessions = join(home, 'sessions');
  const marker = join(home, 'generated.json');
  if (!existsSync(marker) || JSON.parse(readFileSync(marker, 'utf8')).count !== n) {
    rmSync(home, { recursive: true, force: true });
    process.stderr.write(`generating ${n} sessions in ${sessions} ...\n`);
    const { bytes, lastMs } = generate(sessions, n, { seed: 42 });
    writeFileSync(marker, JSON.stringify({ count: n, bytes, lastMs }));
  }
  return { home, sessions, ...JSON.parse(readFileSync(marker, 'utf8')) };
}
