/** The bench's generated data sets: bench/data/home-N (git-ignored), made once per count. */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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

/**
 * Reads every file under `dir` once, so that a run after it reads them from the page cache: this
 * machine's cache was seen holding 2.4-7 GB with 16-21 GB free, and a 100,000-session build with
 * its files partly out of it took 46.8 s (12 s in the kernel) against 33.7 s, which measures the
 * disk, not the program. Returns the seconds the pass took.
 */
export function warmPageCache(dir) {
  const start = process.hrtime.bigint();
  const buf = Buffer.allocUnsafe(1 << 20);
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const fd = openSync(path, 'r');
        try {
          while (readSync(fd, buf, 0, buf.length, null) > 0);
        } finally {
          closeSync(fd);
        }
      }
    }
  };
  walk(dir);
  return Number(process.hrtime.bigint() - start) / 1e9;
}
