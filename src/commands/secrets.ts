import { withNotes } from '../analytics/output.js';
import { renderTable } from '../render/table.js';
import { scanSession } from '../secrets/scan.js';
import { discoverSessionFiles } from '../session/discover.js';
import { sessionsDir } from '../session/paths.js';
import { resolveRefs } from '../session/ref.js';
import { loadEntries, type SkippedFile } from '../session/store.js';
import type { CommandOutput, GlobalOptions } from './common.js';

export interface SecretsOptions extends GlobalOptions {}

export interface SessionFinding {
  session: string;
  file: string;
  messageIndex: number;
  field: string;
  kind: string;
  preview: string;
}

export interface SecretsResult {
  scanned: number;
  findings: SessionFinding[];
  skipped: SkippedFile[];
}

/** Scans the named sessions, or all of them. */
export async function secrets(
  refs: readonly string[],
  opts: SecretsOptions,
): Promise<SecretsResult> {
  const dir = sessionsDir(opts);
  const entries =
    refs.length > 0 ? await resolveRefs(dir, refs) : (await discoverSessionFiles(dir)).files;
  const { sessions, skipped } = await loadEntries(entries);
  const findings: SessionFinding[] = [];
  for (const s of sessions) {
    for (const f of scanSession(s.session))
      findings.push({ session: s.session.sessionId, file: s.file, ...f });
  }
  return { scanned: sessions.length, findings, skipped };
}

/**
 * The scan's output; files that could not be read are named on stderr, as by every command. It
 * exits 1 when it found secrets, and when files could not be scanned: a gate on it must not pass
 * a file whose credentials were never looked at.
 */
export function renderSecrets(result: SecretsResult, opts: SecretsOptions): CommandOutput {
  const exitCode = result.findings.length > 0 || result.skipped.length > 0 ? 1 : 0;
  if (opts.json) return { stdout: `${JSON.stringify(result, null, 2)}\n`, exitCode };
  return withNotes(secretsText(result, exitCode), result.skipped, []);
}

function secretsText(result: SecretsResult, exitCode: number): CommandOutput {
  if (result.findings.length === 0) {
    const n = result.skipped.length;
    const unread = n > 0 ? `; ${n} file${n === 1 ? '' : 's'} could not be read` : '';
    return {
      stdout: `No secrets found in ${result.scanned} session${result.scanned === 1 ? '' : 's'}${unread}.\n`,
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
    result.findings.map((f) => [f.session, f.messageIndex, f.field, f.kind, f.preview]),
  );
  const sessions = new Set(result.findings.map((f) => f.file)).size;
  const note = `${result.findings.length} secret${result.findings.length === 1 ? '' : 's'} in ${sessions} session${sessions === 1 ? '' : 's'}; grok sessions redact <ref> replaces them`;
  return { stdout: `${table}\n\n${note}\n`, exitCode };
}
