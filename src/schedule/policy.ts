/**
 * The retention policy: written once in settings.json under "retention", applied by
 * `grok sessions maintain` and on a schedule by `grok sessions cron`.
 */
import nodeCron from 'node-cron';
import { z } from 'zod';
import { parseDuration } from '../time.js';

/** A duration as parseDuration reads it; its own message ('1m' is ambiguous...) when it cannot. */
const duration = z.string().superRefine((value, ctx) => {
  try {
    parseDuration(value, 'duration');
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: (error as Error).message.replace(/^duration: '[^']*' (is )?/, ''),
    });
  }
});

export const retentionSchema = z.strictObject({
  /** Archive live sessions whose last activity is older than this; null turns archiving off. */
  archiveAfter: duration.nullable().optional(),
  /** Delete live sessions older than this; off unless set. */
  deleteAfter: duration.nullable().optional(),
  /** The newest N sessions are never archived or deleted. */
  keepLast: z.number().int().nonnegative().optional(),
  /** Sessions with any of these tags are never archived or deleted. */
  protectTags: z.array(z.string().min(1)).optional(),
  /** Tighten permissions (harden) on each run. */
  harden: z.boolean().optional(),
  /** When `grok sessions cron` runs maintenance: a cron expression (5 fields, or 6 with seconds). */
  schedule: z
    .string()
    .refine((s) => nodeCron.validate(s), 'not a valid cron expression')
    .optional(),
  /** Where archives go (default $GROK_HOME/archives). */
  archiveDir: z.string().min(1).optional(),
});
export type RetentionSettings = z.infer<typeof retentionSchema>;

export interface Policy {
  archiveAfter: string | null;
  deleteAfter: string | null;
  keepLast: number;
  protectTags: string[];
  harden: boolean;
  schedule: string;
  archiveDir: string | null;
}

export const DEFAULT_POLICY: Policy = {
  archiveAfter: '90d',
  deleteAfter: null,
  keepLast: 0,
  protectTags: ['keep'],
  harden: true,
  schedule: '0 3 * * *',
  archiveDir: null,
};

/** The policy in force: the settings' retention section over the defaults. */
export function resolvePolicy(retention: RetentionSettings | undefined): Policy {
  const r = retention ?? {};
  const tags = new Set([...DEFAULT_POLICY.protectTags, ...(r.protectTags ?? [])]);
  return {
    archiveAfter: r.archiveAfter === undefined ? DEFAULT_POLICY.archiveAfter : r.archiveAfter,
    deleteAfter: r.deleteAfter ?? DEFAULT_POLICY.deleteAfter,
    keepLast: r.keepLast ?? DEFAULT_POLICY.keepLast,
    protectTags: [...tags],
    harden: r.harden ?? DEFAULT_POLICY.harden,
    schedule: r.schedule ?? DEFAULT_POLICY.schedule,
    archiveDir: r.archiveDir ?? DEFAULT_POLICY.archiveDir,
  };
}
