/**
 * The tools the model may call: Glob, Grep and Read, confined to the working directory. Every
 * path is resolved and then realpath-ed, so neither `..` nor a symlink can reach a file outside;
 * a refusal is returned to the model as an error, never the file. Results are size-limited.
 */
import { constants, type Dirent } from 'node:fs';
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { FunctionTool } from 'openai/resources/responses/responses';
import { describeFsError } from '../errors.js';
import { cutText, limitText } from './text.js';

export const MAX_GLOB_RESULTS = 200;
export const MAX_GREP_MATCHES = 100;
export const MAX_READ_CHARS = 100_000;
export const MAX_LINE_CHARS = 300;
/** Files larger than this are not searched by Grep. */
const MAX_GREP_FILE_BYTES = 2_000_000;
/** Entries visited by one walk: a huge tree is cut short rather than hanging the session. */
const MAX_WALK_ENTRIES = 50_000;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

export type ToolResult = unknown;

/** A refusal or failure: what the model sees is `Error: <message>`. */
export class ToolError extends Error {}

/** What readHead found at a path where a regular file was: a FIFO, a device, a socket. */
class NotRegularFileError extends Error {}

export const TOOL_DEFINITIONS: ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'Glob',
      description:
        'List files of the working directory matching a glob pattern such as "**/*.ts" or "src/*auth*".',
      parameters: {
        type: 'object',
        properties: {
          pattern: { type: 'string', description: 'Glob pattern, relative to the directory' },
          path: {
            type: 'string',
            description: 'Directory to search in (default: the working directory)',
          },
        },
        required: ['pattern'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'Grep',
      description:
        'Search file contents for a regular expression; returns "file:line: text" matches.',
      parameters: {
        type: 'object',
        properties: {
          pattern: { type: 'string', description: 'JavaScript regular expression' },
          path: { type: 'string', description: 'File or directory to search (default: all)' },
          glob: { type: 'string', description: 'Only files matching this glob, e.g. "**/*.ts"' },
          ignoreCase: { type: 'boolean' },
        },
        required: ['pattern'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'Read',
      description: 'Read a text file of the working directory, optionally from a line for N lines.',
      parameters: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'File path, relative to the directory' },
          offset: { type: 'integer', description: 'First line to read, from 1' },
          limit: { type: 'integer', description: 'Number of lines' },
        },
        required: ['path'],
      },
    },
  },
];

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real path of `path` (relative to `root`) if it is inside `root` and exists; a ToolError
 * otherwise. `root` must already be a real path.
 */
export async function confine(root: string, path: string): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) throw new ToolError('a path is required');
  if (path.includes('\0')) throw new ToolError('invalid path: contains a NUL byte');
  const abs = resolve(root, path);
  if (!inside(root, abs)) {
    throw new ToolError(
      `${path} is outside the working directory; only files inside it can be used`,
    );
  }
  let real: string;
  try {
    real = await realpath(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ToolError(
      code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be used (${code})`,
    );
  }
  if (!inside(root, real)) {
    throw new ToolError(`${path} leads outside the working directory (symbolic link); refused`);
  }
  return real;
}

/** A glob as a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        const options = glob.slice(i + 1, close).split(',');
        re += `(?:${options.map((o) => globToRegExp(o).source.slice(1, -1)).join('|')})`;
        i = close;
      }
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function checkPattern(pattern: unknown, what: string): string {
  if (typeof pattern !== 'string' || pattern.length === 0)
    throw new ToolError(`${what} is required`);
  if (pattern.includes('\0')) throw new ToolError(`invalid ${what}: contains a NUL byte`);
  return pattern;
}

function checkGlob(pattern: string): void {
  if (isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..')) {
    throw new ToolError(
      `${pattern} reaches outside the working directory; patterns are relative to it and cannot use '..'`,
    );
  }
}

interface WalkEntry {
  /** `/`-separated, relative to the walk's base. */
  rel: string;
  abs: string;
}

/**
 * The regular files under `base`, depth first in name order. Symlinked directories are not
 * entered; a symlinked file is listed only when it resolves inside `root`.
 */
async function walkFiles(
  root: string,
  base: string,
): Promise<{ files: WalkEntry[]; cut: boolean }> {
  const files: WalkEntry[] = [];
  let visited = 0;
  const visit = async (dir: string, prefix: string): Promise<boolean> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return true;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++visited > MAX_WALK_ENTRIES) return false;
      const abs = join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name)) continue;
        if (!(await visit(abs, rel))) return false;
      } else if (entry.isFile()) {
        files.push({ rel, abs });
      } else if (entry.isSymbolicLink()) {
        const real = await realpath(abs).catch(() => undefined);
        if (!real || !inside(root, real)) continue;
        const st = await lstat(real).catch(() => undefined);
        if (st?.isFile()) files.push({ rel, abs: real });
      }
    }
    return true;
  };
  const complete = await visit(base, '');
  return { files, cut: !complete };
}

async function baseDir(root: string, path: unknown): Promise<{ base: string; prefix: string }> {
  if (path === undefined || path === null || path === '' || path === '.')
    return { base: root, prefix: '' };
  const base = await confine(root, String(path));
  const st = await lstat(base);
  if (!st.isDirectory()) throw new ToolError(`${String(path)} is not a directory`);
  return { base, prefix: relative(root, base).split(sep).join('/') };
}

export async function globTool(root: string, params: Record<string, unknown>): Promise<string[]> {
  const pattern = checkPattern(params.pattern, 'pattern');
  checkGlob(pattern);
  const { base, prefix } = await baseDir(root, params.path);
  const re = globToRegExp(pattern.replace(/^\.\//, ''));
  const { files, cut } = await walkFiles(root, base);
  const out: string[] = [];
  let total = 0;
  for (const f of files) {
    if (!re.test(f.rel)) continue;
    total++;
    if (out.length < MAX_GLOB_RESULTS) out.push(prefix ? `${prefix}/${f.rel}` : f.rel);
  }
  if (total > out.length)
    out.push(`[... ${total - out.length} more files not shown; narrow the pattern]`);
  if (cut) out.push('[the directory is too large: the search stopped early]');
  return out;
}

/**
 * The first `maxBytes` of a regular file. Opened with O_NONBLOCK, then decided on the descriptor:
 * open(2) of a FIFO in the project would otherwise wait for a writer, and the chat with it.
 */
async function readHead(path: string, maxBytes: number): Promise<Buffer> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await fh.stat()).isFile()) throw new NotRegularFileError();
    const buf = Buffer.alloc(maxBytes);
    const { bytesRead } = await fh.read(buf, 0, maxBytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function grepTool(root: string, params: Record<string, unknown>): Promise<string[]> {
  const pattern = checkPattern(params.pattern, 'pattern');
  let re: RegExp;
  try {
    re = new RegExp(pattern, params.ignoreCase === true ? 'i' : '');
  } catch (error) {
    throw new ToolError(`invalid regular expression: ${(error as Error).message}`);
  }
  let targets: WalkEntry[];
  let cut = false;
  const target = params.path;
  if (target !== undefined && target !== null && target !== '' && target !== '.') {
    const real = await confine(root, String(target));
    const st = await lstat(real);
    if (st.isDirectory()) {
      const prefix = relative(root, real).split(sep).join('/');
      const walked = await walkFiles(root, real);
      targets = walked.files.map((f) => ({ rel: `${prefix}/${f.rel}`, abs: f.abs }));
      cut = walked.cut;
    } else if (st.isFile())
      targets = [{ rel: relative(root, real).split(sep).join('/'), abs: real }];
    else throw new ToolError(`${String(target)} is not a regular file`);
  } else {
    const walked = await walkFiles(root, root);
    targets = walked.files;
    cut = walked.cut;
  }
  if (typeof params.glob === 'string' && params.glob !== '') {
    checkGlob(params.glob);
    const g = globToRegExp(params.glob);
    const base = /\//.test(params.glob) ? undefined : g;
    targets = targets.filter((t) =>
      base ? base.test(t.rel.split('/').pop() ?? '') : g.test(t.rel),
    );
  }
  const out: string[] = [];
  let more = 0;
  for (const t of targets) {
    const buf = await readHead(t.abs, MAX_GREP_FILE_BYTES + 1).catch(() => undefined);
    if (!buf || buf.length > MAX_GREP_FILE_BYTES || buf.includes(0)) continue;
    const lines = buf.toString('utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (!re.test(line)) continue;
      if (out.length >= MAX_GREP_MATCHES) {
        more++;
        continue;
      }
      out.push(`${t.rel}:${i + 1}: ${cutText(line.trimEnd(), MAX_LINE_CHARS)}`);
    }
  }
  if (more > 0) out.push(`[... ${more} more matches not shown; narrow the search]`);
  if (cut) out.push('[the directory is too large: the search stopped early]');
  return out;
}

export async function readTool(root: string, params: Record<string, unknown>): Promise<string> {
  const real = await confine(root, String(params.path ?? ''));
  const st = await lstat(real);
  if (st.isDirectory())
    throw new ToolError(`${String(params.path)} is a directory; use Glob to list it`);
  if (!st.isFile()) throw new ToolError(`${String(params.path)} is not a regular file`);
  const offset = Math.max(1, Math.trunc(Number(params.offset ?? 1)) || 1);
  const limit =
    params.limit === undefined ? undefined : Math.max(1, Math.trunc(Number(params.limit)) || 1);
  // Read no more than needed: a slice of a huge file must not load all of it.
  const maxBytes = offset === 1 && limit === undefined ? MAX_READ_CHARS * 4 + 1 : 50_000_000;
  const buf = await readHead(real, Math.min(maxBytes, Math.max(st.size, 1))).catch((error) => {
    // swapped for something else since the lstat above
    if (error instanceof NotRegularFileError)
      throw new ToolError(`${String(params.path)} is not a regular file`);
    throw error;
  });
  if (buf.subarray(0, 8000).includes(0))
    throw new ToolError(`${String(params.path)} is a binary file`);
  let text = buf.toString('utf8');
  if (offset > 1 || limit !== undefined) {
    const lines = text.split('\n');
    text = lines.slice(offset - 1, limit === undefined ? undefined : offset - 1 + limit).join('\n');
  }
  return limitText(text, MAX_READ_CHARS);
}

const TOOLS: Record<
  string,
  (root: string, params: Record<string, unknown>) => Promise<ToolResult>
> = {
  Glob: globTool,
  Grep: grepTool,
  Read: readTool,
};

export interface ToolOutcome {
  /** What the session file records. A failure is `{error}`, which the toolkit counts as failed. */
  result: ToolResult;
  /** What the model is sent. */
  content: string;
  ok: boolean;
}

/** The cap on what one tool call sends back to the model. */
const MAX_TOOL_CONTENT_CHARS = 120_000;

/** Runs a tool call; never throws: every failure becomes an error for the model. */
export async function runTool(root: string, name: string, params: unknown): Promise<ToolOutcome> {
  const tool = TOOLS[name];
  try {
    if (!tool)
      throw new ToolError(`unknown tool '${name}'; the tools are ${Object.keys(TOOLS).join(', ')}`);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new ToolError('the arguments must be a JSON object');
    }
    const result = await tool(root, params as Record<string, unknown>);
    return { result, content: toolResultContent(result), ok: true };
  } catch (error) {
    const message =
      error instanceof ToolError ? error.message : `${name} failed: ${describeFsError(error)}`;
    const result = { error: message };
    return { result, content: toolResultContent(result), ok: false };
  }
}

/**
 * What the model is sent for a tool's recorded result: its text, or JSON, cut to size; an error
 * as `Error: <message>`. The same function serves the live request and a resumed session.
 */
export function toolResultContent(result: unknown): string {
  if (typeof result === 'string') return limitText(result, MAX_TOOL_CONTENT_CHARS);
  if (
    result !== null &&
    typeof result === 'object' &&
    !Array.isArray(result) &&
    'error' in result
  ) {
    return `Error: ${String((result as { error: unknown }).error)}`;
  }
  return limitText(JSON.stringify(result ?? null), MAX_TOOL_CONTENT_CHARS);
}

/** The tools in the Responses API's shape. */
export const RESPONSES_TOOLS: FunctionTool[] = TOOL_DEFINITIONS.map((t) => ({
  type: 'function',
  name: t.function.name,
  description: t.function.description ?? null,
  parameters: (t.function.parameters ?? null) as FunctionTool['parameters'],
  strict: false,
}));
