/**
 * `grok sessions export <ref> --format md|html|json`: one session as a transcript to share,
 * redacted unless --no-redact.
 */
import type { CommandOutput } from '../render/output.js';
import type { ExportSessionResult } from '../transcript/export.js';

export {
  type ExportSessionOptions,
  type ExportSessionResult,
  exportSession,
  TRANSCRIPT_FORMATS,
} from '../transcript/export.js';

export function renderExportSession(result: ExportSessionResult): CommandOutput {
  if (result.out) {
    return {
      stderr: `wrote ${result.out}${result.redactions > 0 ? ` (${result.redactions} secret(s) redacted)` : ''}\n`,
    };
  }
  return { stdout: result.text };
}
