/**
 * `$GROK_HOME/settings.json`: one zod schema, strict, so a typo is refused with a one-line error
 * naming the key instead of being silently ignored. A missing file means all defaults.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UserError } from './errors.js';
import { retentionSchema } from './schedule/policy.js';
import { settingsPath } from './session/paths.js';

const modelPriceSchema = z.strictObject({
  /** USD per million input (prompt) tokens. */
  input: z.number().nonnegative(),
  /** USD per million output (completion) tokens. */
  output: z.number().nonnegative(),
});

export const settingsSchema = z.strictObject({
  /** Default chat model. */
  model: z.string().min(1).optional(),
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
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return parseSettings(text, file);
}
