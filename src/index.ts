#!/usr/bin/env node
/**
 * The bin. The build bundles the program (src/main.ts and every module of ours it imports, each
 * still run only when first imported) into dist/bundle/grok.cjs, with a V8 code cache made by
 * running it once (src/build/grok-bundle.ts): a command then neither resolves and links some sixty
 * ES modules one by one nor compiles them. Without a bundle (the sources compiled by tsc alone)
 * the modules run as they are.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCached } from './code-cache.js';

const bundle = fileURLToPath(new URL('./bundle/grok.cjs', import.meta.url));
if (existsSync(bundle)) runCached(bundle);
else await import('./main.js');
