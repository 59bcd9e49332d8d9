/** "Changed nothing" made checkable: every entry under a directory with its metadata and hash. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every entry of a directory (recursively) with its type, size, mtime and content hash. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = lstatSync(path);
      const key = prefix + name;
      if (st.isDirectory()) {
        out[key] = `dir:${st.mtimeMs}:${(st.mode & 0o777).toString(8)}`;
        walk(path, `${key}/`);
      } else if (st.isSymbolicLink()) out[key] = 'link';
      else {
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
        out[key] = `${st.size}:${st.mtimeMs}:${(st.mode & 0o777).toString(8)}:${hash}`;
      }
    }
  };
  walk(dir, '');
  return out;
}
