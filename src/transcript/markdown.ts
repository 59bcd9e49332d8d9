/** A session as a readable Markdown transcript for sharing. Pure. */

import { formatDateTime, formatDuration, formatInt } from '../render/format.js';
import type { Session, ToolCall } from '../session/schema.js';
import { summarize } from '../session/summary.js';

/** A fence longer than any run of backticks in `text`, so content cannot close it. */
function fence(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function block(text: string, lang = ''): string {
  const f = fence(text);
  return `${f}${lang}\n${text}\n${f}`;
}

function toolCallMarkdown(call: ToolCall): string {
  const params = JSON.stringify(call.parameters ?? {}, null, 2);
  const result =
    typeof call.result === 'string' ? call.result : JSON.stringify(call.result ?? null, null, 2);
  return [
    '<details>',
    `<summary>Tool call: <code>${escapeHtml(call.tool)}</code></summary>`,
    '',
    '**Parameters**',
    '',
    block(params, 'json'),
    '',
    '**Result**',
    '',
    block(result),
    '',
    '</details>',
  ].join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

export function sessionMarkdown(session: Session, { redacted }: { redacted: boolean }): string {
  const s = summarize(session);
  const title = session.name ?? session.sessionId;
  const lines = [
    `# ${title}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Session | \`${session.sessionId}\` |`,
    `| Model | ${session.model} |`,
    `| Started | ${formatDateTime(session.startTime)} UTC |`,
    `| Duration | ${formatDuration(s.durationMs)} |`,
    `| Messages | ${s.messages} (${s.toolCalls} tool calls) |`,
    `| Tokens | ${formatInt(s.tokens.total)} (${formatInt(s.tokens.input)} in, ${formatInt(s.tokens.output)} out) |`,
  ];
  if (session.tags?.length) lines.push(`| Tags | ${session.tags.join(', ')} |`);
  lines.push(
    '',
    redacted
      ? '_Secrets found by `grok sessions secrets` are replaced with `[REDACTED:<kind>]`._'
      : '_Not redacted._',
    '',
  );
  session.messages.forEach((m, i) => {
    const time = m.timestamp ? ` · ${formatDateTime(m.timestamp)}` : '';
    const usage = m.usage ? ` · ${formatInt(m.usage.total)} tokens` : '';
    const flag = m.interrupted ? ' · interrupted' : '';
    lines.push(`## ${i}. ${m.role}${time}${usage}${flag}`, '');
    if (m.role === 'system') lines.push(block(m.content ?? ''));
    else lines.push(m.content ?? '');
    for (const call of m.toolCalls ?? []) lines.push('', toolCallMarkdown(call));
    lines.push('');
  });
  return `${lines.join('\n').trimEnd()}\n`;
}
