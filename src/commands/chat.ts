import { UserError } from '../errors.js';
import type { CommandOutput } from './common.js';

export async function chat(_message: string[], _opts: unknown): Promise<CommandOutput> {
  throw new UserError('the chat runtime is not available in this build', {
    hint: 'use grok sessions --help',
  });
}
