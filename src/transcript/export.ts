/**
 * One session as a transcript to share (Markdown, HTML or JSON), redacted unless asked not to:
 * what `grok sessions export <ref>` does, and the session browser's e.
 */
import { statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { UsageError, UserError } from '../errors.js';
import { redactSession } from '../secrets/scan.js';
import { writeFileAtomic } from '../session/atomic-write.js';
import { outOption, type PathOptions, sessionsDir } from '../session/paths.js';
import { withoutEncryptedReasoning } from '../session/reasoning.js';
import { resolveSession } from '../session/ref.js';
import { type Session, sessionSchema } from '../session/schema.js';
import { sessionHtml } from './html.js';
import { sessionMarkdown } from './markdown.js';

export const TRANSCRIPT_FORMATS = ['md', 'html', 'json'] as const;

export interface ExportSessionOptions extends PathOptions {
  format?: string;
  out?: string;
  /** cac turns --no-redact into redact: false. */
  redact?: boolean;
  /** Keep the model's encrypted reasoning in a JSON export. */
  reasoning?: boolean;
}

export interface ExportSessionResult {
  text: string;
  out: string | undefined;
  redactions: number;
}

export async function exportSession(
  ref: string,
  opts: ExportSessionOptions,
): Promise<ExportSessionResult> {
  const format = String(opts.format ?? 'md');
  if (!(TRANSCRIPT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `--format: '${format}' is not one of ${TRANSCRIPT_FORMATS.join(', ')} for a session`,
    );
  }
  const loaded = await resolveSession(sessionsDir(opts), ref);
  const redacting = opts.redact !== false;
  const { raw, redacted } = redacting
    ? redactSession(loaded.raw)
    : { raw: loaded.raw, redacted: 0 };
  const session = sessionSchema.parse(raw) as Session;
  const text =
    format === 'json'
      ? `${JSON.stringify(opts.reasoning ? raw : withoutEncryptedReasoning(raw), null, 2)}\n`
      : format === 'html'
        ? sessionHtml(session, { redacted: redacting })
        : sessionMarkdown(session, { redacted: redacting });
  const given = outOption(opts.out);
  const out = given === undefined ? undefined : outPath(given, loaded.file, format);
  if (out) await writeFileAtomic(out, text, { overwrite: false });
  return { text, out, redactions: redacted };
}

/**
 * Where `--out` puts the transcript: the file named, or, in a directory that exists, the session
 * file's name with the format's extension. An existing file is never overwritten
 * (writeFileAtomic).
 */
function outPath(out: string, file: string, format: string): string {
  const st = statSync(out, { throwIfNoEntry: false });
  if (st?.isDirectory()) return join(out, file.replace(/\.json$/, `.${format}`));
  if (out.endsWith(sep) || out.endsWith('/')) {
    throw new UserError(`--out: directory ${out} does not exist`);
  }
  return out;
}
