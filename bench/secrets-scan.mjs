#!/usr/bin/env node
/**
 * The secret scanner on adversarial text: 5 MB messages built to make a backtracking regex work
 * hardest (long runs of a rule's prefix and alphabet, with no valid ending), plus ordinary prose.
 * Run by `npm run bench`; prints one JSON line per input and the worst case.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { scanText } = await import(pathToFileURL(join(ROOT, 'dist', 'secrets', 'scan.js')).href);
const { SECRET_RULES } = await import(
  pathToFileURL(join(ROOT, 'dist', 'secrets', 'rules.js')).href
);

const SIZE = 5 * 1024 * 1024;
const fill = (unit) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

export const INPUTS = {
  prose: fill(
    'The auth middleware reads the session cookie and calls verify(); see src/auth.ts:42. ',
  ),
  'one long token run': fill('aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0z'),
  'repeated key prefixes': fill('sk-proj-sk-ant-api03-xai-ghp_github_pat_xoxb-1234567-AKIA'),
  'jwt-like dots': fill('eyJhbGciOi.eyJzdWIi.'),
  'unterminated private keys': fill('-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n'),
  'assignments without values': fill('password= api_key: secret= token= '),
  'whitespace runs': fill(' \t\n'),
  // a key a tool read from a JSON file: its line breaks as `\n`, two characters
  'escaped keys, unterminated': fill('-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n'),
  'backslash runs': fill('\\\\\\\\n password=\\"'),
};

export function runSecretsBench() {
  const results = [];
  for (const [name, text] of Object.entries(INPUTS)) {
    scanText(text.slice(0, 10_000)); // warm the regex compiler
    const start = process.hrtime.bigint();
    const found = scanText(text, SECRET_RULES).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    results.push({
      input: name,
      mb: +(text.length / 1048576).toFixed(1),
      seconds: +seconds.toFixed(3),
      found,
    });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = runSecretsBench();
  for (const r of results) console.log(JSON.stringify(r));
  const worst = Math.max(...results.map((r) => r.seconds));
  console.log(
    `worst: ${worst.toFixed(3)} s for 5 MB (target < 1 s): ${worst < 1 ? 'ok' : 'TOO SLOW'}`,
  );
  if (worst >= 1) process.exitCode = 1;
}
