/**
 * `$GROK_HOME/settings.json`: one zod schema, strict, so a typo is refused with a one-line error
 * naming the key instead of being silently ignored. A missing file means all defaults.
 */
import { z } from 'zod';
import { describeFsError, UserError } from './errors.js';
import { retentionSchema } from './schedule/policy.js';
import { settingsPath } from './session/paths.js';
import { NotRegularFileError, readRegularFile } from './session/regular-file.js';

const usdPerMillion = z.number().nonnegative();

/**
 * A model's prices, USD per million tokens; every field overrides the built-in table's, and a
 * model the table lacks needs `input` and `output` (checked where the table is built).
 */
const modelPriceSchema = z.strictObject({
  input: usdPerMillion.optional(),
  /** Prompt tokens served from the cache. */
  cachedInput: usdPerMillion.optional(),
  /** Output tokens, reasoning included. */
  output: usdPerMillion.optional(),
  /** Rates for a call whose prompt is at or above `threshold` tokens; null removes the tier. */
  longContext: z
    .strictObject({
      threshold: z.number().int().positive().optional(),
      input: usdPerMillion.optional(),
      cachedInput: usdPerMillion.optional(),
      output: usdPerMillion.optional(),
    })
    .nullable()
    .optional(),
});

export const settingsSchema = z.strictObject({
  /** Default chat model. */
  model: z.string().min(1).optional(),
  /** The API the chat runtime speaks: xAI's Responses API, or chat completions. */
  api: z.enum(['responses', 'chat']).optional(),
  /** Seconds between saves while a reply streams. */
  autosaveSeconds: z.number().positive().optional(),
  /** Overrides and additions to the built-in price table, by model id. */
  pricing: z.record(z.string(), modelPriceSchema).optional(),
  /** The name this machine's sessions are pooled under (export --format parquet). */
  machine: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
      "letters, digits, '.', '_' and '-' only, at most 63, not starting with '.' or '-'",
    )
    .optional(),
  /** The retention policy `grok sessions maintain` applies (src/schedule/policy.ts). */
  retention: retentionSchema.optional(),
});
export type Settings = z.infer<typeof settingsSchema>;

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
    return `unknown key '${where}${issue.keys.join(`', '${where}`)}'`;
  }
  const key = issue.path.join('.') || '(top level)';
  let value: unknown = data;
  for (const part of issue.path)
    value = (value as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
  const shown = value === undefined ? '' : ` = ${JSON.stringify(value)}`;
  return `'${key}'${shown}: ${issue.message}`;
}

/** Validates settings text; throws a UserError naming the file, the key and the value. */
export function parseSettings(text: string, file: string): Settings {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: invalid JSON (${(error as Error).message})`);
  }
  const parsed = settingsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${file}: ${issue ? describeIssue(issue, data) : 'invalid settings'}`, {
      hint: 'fix the file or remove the key',
    });
  }
  return parsed.data;
}

export async function loadSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const file = settingsPath(env);
  let text: string;
  try {
    // a symlink to a regular file is fine (dotfile managers keep it elsewhere); a FIFO is not
    text = (await readRegularFile(file, { followSymlink: true })).bytes.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(`cannot read ${file}: ${describeFsError(error)}`, {
      hint:
        error instanceof NotRegularFileError
          ? 'settings.json must be a regular file, or a symlink to one'
          : undefined,
    });
  }
  return parseSettings(text, file);
}
