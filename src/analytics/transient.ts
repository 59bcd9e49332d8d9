/**
 * Whether this run met a passing state that its notes tell of: the index unusable (another grok
 * held it, or it was damaged) or files changed while being read. An answer given so is right for
 * this run but is not filed by the answer cache (answers.ts): asked again, it would repeat a note
 * that no longer holds.
 */
export const passing = { met: false };
