#!/usr/bin/env node
/**
 * The bin. The build bundles the program (src/main.ts and every module of ours it imports, each
 * still run only when first imported) into dist/bundle/grok.cjs, with a V8 code cache made by
 * running it once (src/build/grok-bundle.ts): a command then neither resolves and links some sixty
 * ES modules one by one nor compiles them. Without a bundle (the sources compiled by tsc alone)
 * the modules run as they are.
 *
 * The build also bundles this file as CommonJS into dist/grok.cjs, package.json's bin: Node runs
 * a CommonJS main without starting its ES module loader. dist/index.js does the same, for command
 * lines that name it (crontab lines installed by earlier versions).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findEarly } from './analytics/find-pass.js';
import { runCached } from './code-cache.js';

// `stats` and `cost` start with a stat pass of the sessions: set going now, while the rest loads.
findEarly(process.argv);

const bundle = fileURLToPath(new URL('./bundle/grok.cjs', import.meta.url));
if (existsSync(bundle)) runCached(bundle);
else void import('./main.js');
