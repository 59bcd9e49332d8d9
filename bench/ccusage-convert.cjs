#!/usr/bin/env node
// The converter beside the ccusage comparison's instructions, kept here so the bench runs alone.
// Convert grok-style session JSON files into a Claude-Code-style JSONL corpus for ccusage.
//
// Usage: node convert.js <srcDir> <outConfigDir> [--every N] [--model NAME]
//                        [--tool-results inline|separate|none] [--envelope minimal|full]
//   Writes <outConfigDir>/projects/<project>/<uuid>.jsonl, one file per source session; point
//   CLAUDE_CONFIG_DIR at <outConfigDir>. <project> is derived from metadata.workingDirectory the way
//   Claude Code does it ("/home/user/api" -> "-home-user-api"); <uuid> is derived deterministically
//   from sessionId (sha1-based), so reruns give identical output.
//   --every N   : only convert every Nth source file (sorted by name), e.g. 10 for a 1/10 subset.
//   --model     : model written on assistant lines (default claude-sonnet-4-20250514, priced offline).
//   --envelope  : minimal (default) = only fields ccusage reads (cwd, sessionId, type, timestamp,
//                 requestId, message.{id,role,model,content,usage}), keeping bytes close to the source;
//                 full = Claude Code's usual envelope too (parentUuid, uuid, version, gitBranch, userType,
//                 isSidechain, stop_reason, stop_sequence, service_tier).
//   --tool-results: inline (default) = raw toolCalls results kept on the assistant line in a top-level
//                 "toolUseResult" array (one JSONL line per source message);
//                 separate = Claude Code style: an extra "user" line with tool_result blocks after each
//                 tool-using assistant line; none = results dropped (tool_use inputs still kept).
//
// Line mapping (field order follows Claude Code: message before requestId/type/timestamp):
//   system    -> {"cwd","sessionId","type":"system","content":<full text>,"timestamp"}
//   user      -> {"cwd","sessionId","type":"user","message":{"role":"user","content":<full text>},"timestamp"}
//   assistant -> {"cwd","sessionId","message":{"id","role":"assistant","model","content":[{"type":"text","text":<full text>},
//                 {"type":"tool_use","id","name":tool,"input":parameters}...],"usage":{input_tokens,
//                 cache_creation_input_tokens:0,cache_read_input_tokens:0,output_tokens}},"requestId","type":"assistant",
//                 "timestamp"[,"toolUseResult":[results...]]}
//   system lines have no timestamp in the source; the session's startTime is used.
// Tokens: the session's tokenUsage.input / .output are spread over its assistant messages (integer split,
// remainder to the first messages), so corpus totals equal the source sums exactly. Cache tokens are 0.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const src = args[0];
const outDir = args[1];
if (!src || !outDir || src.startsWith('--') || outDir.startsWith('--')) {
  console.error(
    'usage: node convert.js <srcDir> <outConfigDir> [--every N] [--model NAME] [--tool-results inline|separate|none] [--envelope minimal|full]',
  );
  process.exit(2);
}
const every = Number(opt('--every', '1'));
const MODEL = opt('--model', 'claude-sonnet-4-20250514');
const toolResults = opt('--tool-results', 'inline');
const envelope = opt('--envelope', 'minimal');
if (
  !['inline', 'separate', 'none'].includes(toolResults) ||
  !['minimal', 'full'].includes(envelope)
) {
  console.error('bad option');
  process.exit(2);
}
const full = envelope === 'full';
const VERSION = '1.0.83';

const h = (s) => crypto.createHash('sha1').update(s).digest('hex');
const uuidFrom = (s) => {
  const x = h(s);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-5${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`;
};
const projectName = (cwd) => cwd.replace(/[^A-Za-z0-9]/g, '-');

function split(total, n) {
  const base = Math.floor(total / n),
    rem = total - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < rem ? 1 : 0));
}

const files = fs
  .readdirSync(src)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .filter((_, i) => i % every === 0);
let nFiles = 0,
  nLines = 0,
  nBytes = 0,
  sumIn = 0,
  sumOut = 0,
  nAsstLines = 0;
const skipped = [];
const madeDirs = new Set();
const t0 = Date.now();

for (const f of files) {
  let d;
  try {
    d = JSON.parse(fs.readFileSync(path.join(src, f), 'utf8'));
  } catch (e) {
    skipped.push(`${f}: ${e.message}`);
    continue;
  }
  const cwd = d.metadata?.workingDirectory || '/unknown';
  const sid = uuidFrom(d.sessionId || f);
  const msgs = d.messages || [];
  const nAsst = msgs.filter((m) => m.role === 'assistant').length;
  const tu = d.tokenUsage || { input: 0, output: 0 };
  if (nAsst === 0) {
    skipped.push(`${f}: no assistant messages (tokens ${tu.input}/${tu.output} dropped)`);
    continue;
  }
  const ins = split(tu.input, nAsst),
    outs = split(tu.output, nAsst);
  sumIn += tu.input;
  sumOut += tu.output;

  // Envelope pieces (full mode adds Claude Code's bookkeeping fields).
  const head = (parent) =>
    full
      ? {
          parentUuid: parent,
          isSidechain: false,
          userType: 'external',
          cwd,
          sessionId: sid,
          version: VERSION,
          gitBranch: 'main',
        }
      : { cwd, sessionId: sid };
  const tail = (uuid, ts) => (full ? { uuid, timestamp: ts } : { timestamp: ts });

  const lines = [];
  let parent = null,
    ai = 0;
  msgs.forEach((m, mi) => {
    const uuid = uuidFrom(`${sid}:${mi}`);
    const ts = m.timestamp || d.startTime;
    if (m.role === 'assistant') {
      const k = ai++;
      const calls = m.toolCalls || [];
      const toolIds = calls.map((_, ci) => `toolu_01${h(`${sid}:${mi}:${ci}`).slice(0, 22)}`);
      const content = [{ type: 'text', text: m.content }];
      calls.forEach((c, ci) => {
        content.push({
          type: 'tool_use',
          id: toolIds[ci],
          name: c.tool,
          input: c.parameters ?? {},
        });
      });
      const usage = {
        input_tokens: ins[k],
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: outs[k],
      };
      const message = full
        ? {
            id: `msg_01${h(`msg:${sid}:${mi}`).slice(0, 22)}`,
            type: 'message',
            role: 'assistant',
            model: MODEL,
            content,
            stop_reason: calls.length ? 'tool_use' : 'end_turn',
            stop_sequence: null,
            usage: { ...usage, service_tier: 'standard' },
          }
        : {
            id: `msg_01${h(`msg:${sid}:${mi}`).slice(0, 22)}`,
            role: 'assistant',
            model: MODEL,
            content,
            usage,
          };
      const rec = {
        ...head(parent),
        message,
        requestId: `req_011${h(`req:${sid}:${mi}`).slice(0, 21)}`,
        type: 'assistant',
        ...tail(uuid, ts),
      };
      if (calls.length && toolResults === 'inline')
        rec.toolUseResult = calls.map((c) => c.result ?? null);
      lines.push(JSON.stringify(rec));
      parent = uuid;
      nAsstLines++;
      if (calls.length && toolResults === 'separate') {
        const ruuid = uuidFrom(`${sid}:${mi}:r`);
        const rrec = {
          ...head(parent),
          type: 'user',
          message: {
            role: 'user',
            content: calls.map((c, ci) => ({
              tool_use_id: toolIds[ci],
              type: 'tool_result',
              content: typeof c.result === 'string' ? c.result : JSON.stringify(c.result ?? null),
            })),
          },
          ...tail(ruuid, ts),
        };
        lines.push(JSON.stringify(rrec));
        parent = ruuid;
      }
      return;
    }
    const rec =
      m.role === 'user'
        ? {
            ...head(parent),
            type: 'user',
            message: { role: 'user', content: m.content },
            ...tail(uuid, ts),
          }
        : {
            ...head(parent),
            type: 'system',
            ...(full ? { subtype: 'informational', level: 'info', isMeta: false } : {}),
            content: m.content,
            ...tail(uuid, ts),
          };
    lines.push(JSON.stringify(rec));
    parent = uuid;
  });

  const dir = path.join(outDir, 'projects', projectName(cwd));
  if (!madeDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const body = `${lines.join('\n')}\n`;
  fs.writeFileSync(path.join(dir, `${sid}.jsonl`), body);
  nFiles++;
  nLines += lines.length;
  nBytes += Buffer.byteLength(body);
}

console.log(
  JSON.stringify(
    {
      src,
      outDir,
      every,
      model: MODEL,
      envelope,
      toolResults,
      sourceFiles: files.length,
      jsonlFiles: nFiles,
      lines: nLines,
      assistantLines: nAsstLines,
      bytes: nBytes,
      inputTokens: sumIn,
      outputTokens: sumOut,
      inputPlusOutput: sumIn + sumOut,
      projects: [...madeDirs].map((x) => path.basename(x)),
      skipped,
      seconds: (Date.now() - t0) / 1000,
    },
    null,
    1,
  ),
);
