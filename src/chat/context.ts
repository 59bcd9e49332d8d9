/**
 * The start-up context: GROK.md and docs-index.md of the project, found in the working directory
 * or its nearest parent that has either, become the system message.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { estimateTokens, limitText } from './text.js';

export const CONTEXT_FILES = ['GROK.md', 'docs-index.md'] as const;
/** A context file larger than this is cut: it would crowd out the conversation. */
const MAX_CONTEXT_FILE_CHARS = 400_000;

export const BASE_PROMPT = [
  'You are Grok, a coding assistant working in a terminal.',
  'You can look at the project in the working directory with the tools Glob (find files by pattern),',
  'Grep (search file contents) and Read (read a file). Paths are relative to the working directory.',
].join(' ');

export interface StartupContext {
  /** The system message. */
  content: string;
  /** The directory the files came from, when any was found. */
  dir: string | undefined;
  files: string[];
  /** Estimated tokens of the whole system message. */
  tokens: number;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The working directory or its nearest parent holding GROK.md or docs-index.md. */
export async function findContextDir(cwd: string): Promise<string | undefined> {
  let dir = cwd;
  for (;;) {
    for (const name of CONTEXT_FILES) if (await isFile(join(dir, name))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export async function loadStartupContext(cwd: string): Promise<StartupContext> {
  const dir = await findContextDir(cwd);
  const parts = [BASE_PROMPT];
  const files: string[] = [];
  if (dir) {
    for (const name of CONTEXT_FILES) {
      const path = join(dir, name);
      if (!(await isFile(path))) continue;
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      files.push(name);
      parts.push(`# ${name}\n\n${limitText(text, MAX_CONTEXT_FILE_CHARS)}`);
    }
  }
  const content = parts.join('\n\n');
  return { content, dir, files, tokens: estimateTokens(content.length) };
}

/** "Loaded GROK.md + docs-index.md (~3,500 tokens)" or the base prompt's size. */
export function describeContext(ctx: StartupContext): string {
  const size = `~${ctx.tokens.toLocaleString('en-US')} tokens`;
  if (ctx.files.length === 0) return `No GROK.md or docs-index.md found (context ${size})`;
  return `Loaded ${ctx.files.join(' + ')} (${size})`;
}
