import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in package.json, read once (src/ and dist/ both sit one level below it). */
export function grokVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    cached = pkg.version;
  }
  return cached;
}
