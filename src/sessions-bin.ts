#!/usr/bin/env node
/**
 * The `grok-sessions` bin: `grok-sessions list` is `grok sessions list`, for a PATH where `grok`
 * is another program (xAI's own CLI).
 */
process.argv.splice(2, 0, 'sessions');
void import('./index.js');
