/** A session as one self-contained HTML page (no scripts, no network). Pure. */
import { formatDateTime, formatDuration, formatInt } from '../render/format.js';
import type { Session } from '../session/schema.js';
import { summarize } from '../session/summary.js';
import { escapeHtml } from './markdown.js';

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
table.meta td{padding:.1rem .8rem .1rem 0}table.meta td:first-child{color:#666}
.msg{border-left:4px solid #ccc;padding:.3rem .8rem;margin:1rem 0}
.user{border-color:#2b7de9}.assistant{border-color:#2ea44f}.system{border-color:#999}.tool{border-color:#d97706}
.head{font-weight:600}.head span{font-weight:400;color:#666;margin-left:.5rem}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:.6rem;border-radius:4px}
details{margin:.4rem 0}summary{cursor:pointer;color:#555}
`;

function pre(text: string): string {
  return `<pre>${escapeHtml(text)}</pre>`;
}

export function sessionHtml(session: Session, { redacted }: { redacted: boolean }): string {
  const s = summarize(session);
  const title = escapeHtml(session.name ?? session.sessionId);
  const meta: [string, string][] = [
    ['Session', session.sessionId],
    ['Model', session.model],
    ['Started', `${formatDateTime(session.startTime)} UTC`],
    ['Duration', formatDuration(s.durationMs)],
    ['Messages', `${s.messages} (${s.toolCalls} tool calls)`],
    [
      'Tokens',
      `${formatInt(s.tokens.total)} (${formatInt(s.tokens.input)} in, ${formatInt(s.tokens.output)} out)`,
    ],
  ];
  const messages = session.messages
    .map((m, i) => {
      const time = m.timestamp ? `<span>${escapeHtml(formatDateTime(m.timestamp))}</span>` : '';
      const usage = m.usage ? `<span>${formatInt(m.usage.total)} tokens</span>` : '';
      const flag = m.interrupted ? '<span>interrupted</span>' : '';
      const calls = (m.toolCalls ?? [])
        .map(
          (c) =>
            `<details><summary>Tool call: <code>${escapeHtml(c.tool)}</code></summary>${pre(JSON.stringify(c.parameters ?? {}, null, 2))}${pre(
              typeof c.result === 'string' ? c.result : JSON.stringify(c.result ?? null, null, 2),
            )}</details>`,
        )
        .join('');
      return `<div class="msg ${escapeHtml(m.role)}"><div class="head">${i}. ${escapeHtml(m.role)}${time}${usage}${flag}</div>${pre(m.content ?? '')}${calls}</div>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head>
<body><h1>${title}</h1>
<table class="meta">${meta.map(([k, v]) => `<tr><td>${k}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<p><em>${redacted ? 'Secrets are replaced with [REDACTED:&lt;kind&gt;].' : 'Not redacted.'}</em></p>
${messages}
</body></html>
`;
}
