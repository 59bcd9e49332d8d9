import { withNotes } from '../analytics/output.js';
import { describeFsError } from '../errors.js';
import { plural } from '../render/format.js';
import type { CommandOutput } from '../render/output.js';
import { jsonText } from '../render/output.js';
import { renderTable } from '../render/table.js';
import { scanSessionText } from '../secrets/scan.js';
import { discoverSessionFiles } from '../session/discover.js';
import { sessionsDir } from '../session/paths.js';
import { parseSessionText, readFileNoFollow } from '../session/read.js';
import { resolveRefs } from '../session/ref.js';
import { mapLimit, type SkippedFile } from '../session/store.js';
import type { GlobalOptions } from './common.js';

export interface SecretsOptions extends GlobalOptions {}

export interface SessionFinding {
  session: string;
  file: string;
  /** null: the session's own fields (name, tags, metadata, ...). */
  messageIndex: number | null;
  field: string;
  kind: string;
  preview: string;
}

export interface SecretsResult {
  scanned: number;
  findings: SessionFinding[];
  skipped: SkippedFile[];
}

/**
 * Scans the named sessions, or all of them: every string of each file as its bytes hold it (a
 * member written twice included), as `redact` reads them.
 */
export async function secrets(
  refs: readonly string[],
  opts: SecretsOptions,
): Promise<SecretsResult> {
  const dir = sessionsDir(opts);
  const entries =
    refs.length > 0 ? await resolveRefs(dir, refs) : (await discoverSessionFiles(dir)).files;
  const scanned = await mapLimit(entries, 16, async (entry) => {
    let text: string;
    try {
      text = (await readFileNoFollow(entry.path)).text;
    } catch (error) {
      return { file: entry.name, reason: `cannot read: ${describeFsError(error)}` };
    }
    const parsed = parseSessionText(text);
    if (!parsed.ok) return { file: entry.name, reason: parsed.reason };
    return {
      file: entry.name,
      session: parsed.session.sessionId,
      findings: scanSessionText(text),
    };
  });
  const findings: SessionFinding[] = [];
  const skipped: SkippedFile[] = [];
  let count = 0;
  for (const s of scanned) {
    if (s.reason !== undefined) {
      skipped.push({ file: s.file, reason: s.reason });
      continue;
    }
    count++;
    for (const f of s.findings) findings.push({ session: s.session, file: s.file, ...f });
  }
  return { scanned: count, findings, skipped };
}

/**
 * The scan's output; files that could not be read are named on stderr, as by every command. It
 * exits 1 when it found secrets, and when files could not be scanned: a gate on it must not pass
 * a file whose credentials were never looked at.
 */
export function renderSecrets(result: SecretsResult, opts: SecretsOptions): CommandOutput {
  const exitCode = result.findings.length > 0 || result.skipped.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: jsonText(result), exitCode };
  return withNotes(secretsText(result, exitCode), result.skipped, []);
}

function secretsText(result: SecretsResult, exitCode: number): CommandOutput {
  if (result.findings.length === 0) {
    const n = result.skipped.length;
    const unread = n > 0 ? `; ${n} ${plural(n, 'file')} could not be read` : '';
    return {
      stdout: `No secrets found in ${result.scanned} ${plural(result.scanned, 'session')}${unread}.\n`,
      exitCode,
    };
  }
  const table = renderTable(
    [
      { header: 'SESSION' },
      { header: 'MSG', align: 'right' },
      { header: 'FIELD' },
      { header: 'KIND' },
      { header: 'PREVIEW' },
    ],
    result.findings.map((f) => [f.session, f.messageIndex ?? '', f.field, f.kind, f.preview]),
  );
  const sessions = new Set(result.findings.map((f) => f.file)).size;
  const note = `${result.findings.length} ${plural(result.findings.length, 'secret')} in ${sessions} ${plural(sessions, 'session')}; grok sessions redact <ref> replaces them`;
  return { stdout: `${table}\n\n${note}\n`, exitCode };
}
