/**
 * Layers import only downwards: nothing under src/ but the command modules themselves and the
 * program's entry (src/cli.ts, src/main.ts) imports from src/commands/, every import goes to its
 * own layer or one below it in LAYERS, and no two modules of ours import each other round a
 * circle. Static, re-export, dynamic and type-only imports all count.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const ENTRIES = new Set(['src/cli.ts', 'src/main.ts']);

/**
 * The layers, top first: a folder under src/ (or a file directly in it, without `.ts`) imports
 * only from its own layer or a lower one. Areas of one layer may import each other one way.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['index', 'sessions-bin', 'start', 'build'],
  ['main'],
  ['cli', 'help'],
  // browse: the session browser's screen, a part of the browse command that only src/commands/
  // imports; like every folder but src/commands/ itself, it imports no command module
  ['commands', 'report', 'transcript', 'browse'],
  ['analytics', 'maintenance', 'chat'],
  ['settings'],
  ['schedule', 'secrets'],
  ['session'],
  ['render', 'time'],
  ['errors', 'test-hooks', 'version', 'code-cache'],
];

/** `src/analytics/refresh.ts` is in area `analytics`, `src/cli.ts` in area `cli`. */
function area(file: string): string {
  const parts = relative(SRC, join(ROOT, file)).split('/');
  return parts.length > 1 ? (parts[0] ?? '') : (parts[0] ?? '').replace(/\.tsx?$/, '');
}

/** How deep an area sits: 0 is the top layer; undefined for an area LAYERS does not place. */
function depth(name: string): number | undefined {
  const at = LAYERS.findIndex((layer) => layer.includes(name));
  return at < 0 ? undefined : at;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier a source names: import, import type, export from, import(). */
function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** A relative specifier to the file it names (`./x.js` is `./x.ts` on disk); else undefined. */
function resolveSpecifier(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const target = resolve(dirname(from), spec);
  const stem = target.replace(/\.(c|m)?js$/, '');
  const candidates = [target, `${stem}.ts`, `${stem}.tsx`, join(target, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const rel = relative(ROOT, file);
    const targets = specifiers(readFileSync(file, 'utf8'))
      .map((spec) => resolveSpecifier(file, spec))
      .filter((t): t is string => t?.startsWith(SRC) === true)
      .map((t) => relative(ROOT, t));
    graph.set(rel, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import layers', () => {
  it('reads static, re-export, type-only and dynamic imports', () => {
    const text = [
      "import { a } from './static.js';",
      "import type { B } from './type-only.js';",
      "import { type C } from './inline-type.js';",
      "export { d } from './re-export.js';",
      "export type { E } from './type-re-export.js';",
      "export * from './star.js';",
      "const f = await import('./dynamic.js');",
      "import './side-effect.js';",
    ].join('\n');
    expect(specifiers(text).sort()).toEqual(
      [
        './dynamic.js',
        './inline-type.js',
        './re-export.js',
        './side-effect.js',
        './star.js',
        './static.js',
        './type-only.js',
        './type-re-export.js',
      ].sort(),
    );
  });

  it('sees the imports of the source tree', () => {
    const graph = importGraph();
    expect(graph.get('src/cli.ts')?.some((t) => t.startsWith('src/commands/'))).toBe(true);
    expect(graph.get('src/main.ts')).toContain('src/cli.ts');
  });

  it('nothing below src/commands/ imports a command module', () => {
    const wrong: string[] = [];
    for (const [file, targets] of importGraph()) {
      if (file.startsWith('src/commands/') || ENTRIES.has(file)) continue;
      for (const t of targets) if (t.startsWith('src/commands/')) wrong.push(`${file} -> ${t}`);
    }
    expect(wrong, `imports from src/commands/ below it:\n${wrong.join('\n')}`).toEqual([]);
  });

  it('the session browser (src/browse/) is part of a command: only src/commands/ imports it', () => {
    const graph = importGraph();
    expect(graph.get('src/commands/browse.ts')).toContain('src/browse/load.ts');
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      if (file.startsWith('src/commands/') || file.startsWith('src/browse/')) continue;
      for (const t of targets) if (t.startsWith('src/browse/')) wrong.push(`${file} -> ${t}`);
    }
    expect(
      wrong,
      `imports of the browser from outside src/commands/:\n${wrong.join('\n')}`,
    ).toEqual([]);
  });

  it('places every folder and top-level file of src/ in a layer', () => {
    const unplaced = [...new Set([...importGraph().keys()].map(area))].filter(
      (a) => depth(a) === undefined,
    );
    expect(unplaced, 'add these to LAYERS').toEqual([]);
  });

  it('every import goes to its own layer or a lower one', () => {
    const upward: string[] = [];
    for (const [file, targets] of importGraph()) {
      const from = depth(area(file)) ?? 0;
      for (const t of targets) {
        const to = depth(area(t)) ?? 0;
        if (to < from) upward.push(`${file} -> ${t} (${area(file)} is below ${area(t)})`);
      }
    }
    expect(upward, `imports that run upwards:\n${upward.join('\n')}`).toEqual([]);
  });

  it('no import cycle among src/ files', () => {
    const found = cycles(importGraph()).map((c) => c.join(' <-> '));
    expect(found, `import cycles:\n${found.join('\n')}`).toEqual([]);
  });
});
