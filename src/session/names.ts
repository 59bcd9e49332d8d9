/**
 * The rules for the names and tags a user gives a session: `grok sessions rename` and `tag` check
 * them, and so do the chat's /name and /tag. A name or tag is never a secret: the callers pass in
 * the secret finder (secrets/scan.ts's `secretInValue`), since secrets/ sits above session/.
 */
import { UsageError, UserError } from '../errors.js';
import { discoverSessionFiles, type SessionFileEntry } from './discover.js';
import { readRegularFileSync } from './regular-file.js';
import { loadEntries } from './store.js';

/** Describes the secret a value holds (without quoting it), or undefined when it holds none. */
export type SecretFinder = (value: string) => string | undefined;

/** Names must be usable as refs: no path characters, not 'latest', not a session id. */
export function validateName(name: string, secretInValue: SecretFinder): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new UsageError('a session name cannot be empty');
  // first: no later message may quote the value, and a token says more than its length does
  const secret = secretInValue(trimmed);
  if (secret) throw new UsageError(`refused session name: ${secret}; a name is never a secret`);
  if (trimmed.length > 200) throw new UsageError('a session name is at most 200 characters');
  if (/[\\/]/.test(trimmed) || trimmed.includes('..') || /\p{Cc}/u.test(trimmed)) {
    throw new UsageError(
      `invalid session name '${trimmed}': no path separators, '..' or control characters`,
    );
  }
  // 'latest', a session id, or a beginning of every id ('sess'): each reads as something else
  if (trimmed === 'latest' || /^session-\d/.test(trimmed) || 'session-'.startsWith(trimmed)) {
    throw new UsageError(`invalid session name '${trimmed}': it would read as a session reference`);
  }
  return trimmed;
}

/**
 * A name is a ref (session/ref.ts), so it names one session: one already given to another
 * session, or another session's id, is refused, or neither could be named by it again. Only the
 * files whose bytes hold the name as JSON writes it are parsed: over 10,000 sessions (479 MB)
 * the check takes ~0.9 s, where parsing them all took several seconds.
 */
export async function assertNameFree(
  dir: string,
  name: string,
  own: string | undefined,
): Promise<void> {
  const { files } = await discoverSessionFiles(dir);
  const written = Buffer.from(JSON.stringify(name));
  const holders: SessionFileEntry[] = [];
  for (const f of files) {
    if (f.name === own) continue;
    // bytes, not text: decoding every file cost more than reading it
    let bytes: Buffer;
    try {
      bytes = readRegularFileSync(f.path).bytes;
    } catch {
      continue; // unreadable: it names nothing a ref could reach either
    }
    if (bytes.includes(written)) holders.push(f);
  }
  const { sessions } = await loadEntries(holders);
  const holder = sessions.find((s) => s.session.name === name || s.session.sessionId === name);
  if (holder) {
    throw new UserError(
      `'${name}' already names ${holder.file}: a name is a reference to one session`,
      { hint: 'choose another name, or rename that session first' },
    );
  }
}

export function validateTag(tag: string, secretInValue: SecretFinder): string {
  const t = String(tag).trim();
  // names and tags are shown in lists, indexes and exports: a credential never becomes one
  const secret = secretInValue(t);
  if (secret) throw new UsageError(`refused tag: ${secret}; a tag is never a secret`);
  if (!/^[\p{L}\p{N}][\p{L}\p{N}._:+-]{0,63}$/u.test(t)) {
    throw new UsageError(`invalid tag '${t}': use letters, digits and . _ : + - (at most 64)`);
  }
  return t;
}
