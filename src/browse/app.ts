/**
 * The session browser's screen, drawn with Ink (React for terminals). This module and Ink are
 * loaded by `import()` only when the browser opens (src/browse/load.ts): no other command pays
 * for them. It computes nothing itself (src/browse/model.ts) and changes nothing itself (the
 * BrowseSource it is given).
 *
 * The screen is the terminal's alternate screen, left on every way out: q, Esc, Enter (resume),
 * Ctrl+C, SIGTERM, SIGHUP, an error, and the process's exit as a last resort.
 */
import { writeSync } from 'node:fs';
import { Box, type Key, render, Text, useInput, useStdout } from 'ink';
import React, { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { plural } from '../render/format.js';
import type { Session } from '../session/schema.js';
import {
  type BrowseRow,
  columnsFor,
  conversationLines,
  edited,
  filterRows,
  fitWidth,
  type Hit,
  headerLine,
  idOf,
  inDirectory,
  type Line,
  nextSort,
  previewLines,
  rowLine,
  type SortKey,
  type Style,
  sortRows,
  title,
  wrap,
} from './model.js';
import type { BrowseOptions, BrowseOutcome, BrowseSource, FirstRows } from './source.js';

const h = React.createElement;

type Mode =
  | { kind: 'list' }
  | { kind: 'filter' }
  | { kind: 'search'; text: string }
  | { kind: 'prompt'; what: 'rename' | 'tag'; text: string }
  | { kind: 'confirm'; what: 'delete' | 'archive'; row: BrowseRow }
  | {
      kind: 'view';
      row: BrowseRow;
      session: Session | undefined;
      /** Why the session could not be read: said in the view, which stays open. */
      error?: string;
      top: number;
    };

interface Status {
  text: string;
  warn?: boolean;
}

const FOOTER =
  '↑↓ jk PgUp/PgDn · enter resume · v view · n name · t tag · d delete · a archive · e export · s sort · c this dir · A archived · / text · tab filter · q quit';
const VIEW_FOOTER = '↑↓/jk scroll · PgUp/PgDn · g/G top/end · q/esc back';
const VIEW_ERROR_FOOTER = 'r read it again · q/esc back';

/** An SGR mouse report (ESC [ < b ; x ; y M), as Ink hands it over without its ESC. */
const MOUSE = /^\[<(\d+);\d+;\d+[Mm]$/;

function useSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = useCallback(
    () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }),
    [stdout],
  );
  const [size, setSize] = useState(read);
  useEffect(() => {
    const on = () => setSize(read());
    stdout.on('resize', on);
    return () => {
      stdout.off('resize', on);
    };
  }, [stdout, read]);
  return size;
}

function segmentStyle(style: Style | undefined, colour: boolean): Record<string, unknown> {
  switch (style) {
    case 'title':
      return { bold: true };
    case 'dim':
      return { dimColor: true };
    case 'role':
      return colour ? { color: 'cyan' } : { bold: true };
    case 'warn':
      return colour ? { color: 'yellow' } : { bold: true };
    case 'mark':
      return colour ? { color: 'black', backgroundColor: 'yellow' } : { inverse: true };
    default:
      return {};
  }
}

function lineNode(line: Line, key: string | number, colour: boolean): React.ReactElement {
  return h(
    Text,
    { key, wrap: 'truncate-end' },
    line.length === 0
      ? ' '
      : line.map((s, i) => h(Text, { key: i, ...segmentStyle(s.style, colour) }, s.text)),
  );
}

/** `lines` padded with empty ones to exactly `n`. */
function exactly(lines: Line[], n: number): Line[] {
  const out = lines.slice(0, n);
  while (out.length < n) out.push([]);
  return out;
}

function footerLines(text: string, width: number, max: number): Line[] {
  return wrap(text, width)
    .slice(0, max)
    .map((l) => [{ text: l, style: 'dim' as const }]);
}

export interface BrowserProps {
  source: BrowseSource;
  options: BrowseOptions;
  initial: FirstRows;
  done: (outcome: BrowseOutcome) => void;
}

/** The browser's screen; runBrowser below puts it on the terminal. */
export function Browser({ source, options, initial, done }: BrowserProps): React.ReactElement {
  const { columns, rows: height } = useSize();
  const colour = options.colour;
  const [all, setAll] = useState<BrowseRow[]>(initial.rows);
  const [notes, setNotes] = useState<string[]>(initial.notes);
  const [cwdOnly, setCwdOnly] = useState(options.cwdOnly);
  const [archived, setArchived] = useState(false);
  const [sort, setSort] = useState<SortKey>('newest');
  const [filter, setFilter] = useState('');
  const [search, setSearch] = useState<{ text: string; hits: Map<string, Hit[]> } | undefined>();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [selected, setSelected] = useState(0);
  const [status, setStatus] = useState<Status | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [previews, setPreviews] = useState(
    () => new Map<string, { session?: Session; error?: string }>(),
  );
  // Until every row is in, only the newest are (source.ts: FirstRows) and keys wait: nothing has
  // changed the list from how it opened, so the counts the loader gave are the list's.
  const partial = initial.partial;
  const [complete, setComplete] = useState(partial === undefined);

  const here = useMemo(() => inDirectory(all, source.cwd), [all, source.cwd]);
  const hereCount = complete || !partial ? here.length : partial.here;
  const noneHere = cwdOnly && hereCount === 0;
  const scoped = cwdOnly && !noneHere ? here : all;
  const sorted = useMemo(() => sortRows(scoped, sort), [scoped, sort]);
  const visible = useMemo(() => {
    const found = search ? sorted.filter((r) => search.hits.has(r.file)) : sorted;
    return filterRows(found, filter);
  }, [sorted, search, filter]);
  const current = visible[Math.min(selected, visible.length - 1)];
  const scopedCount =
    complete || !partial ? scoped.length : noneHere || !cwdOnly ? partial.total : partial.here;
  const visibleCount = complete ? visible.length : scopedCount;

  // The rest of the rows, asked for once the first screen is out.
  useEffect(() => {
    if (!partial) return;
    const timer = setTimeout(() => {
      partial.rest().then(
        (loaded) => {
          setAll(loaded.rows);
          setNotes(loaded.notes);
          setComplete(true);
        },
        (error: Error) => {
          // the status line goes at the next key; the note stays, so the short list says why
          setStatus({ text: error.message, warn: true });
          setNotes((n) => [
            ...n,
            `only the newest ${initial.rows.length} ${plural(initial.rows.length, 'session')}: ${error.message}`,
          ]);
          setComplete(true);
        },
      );
    }, 0);
    return () => clearTimeout(timer);
  }, [partial, initial.rows.length]);

  // ---- layout ----
  const wide = columns >= 150;
  const listWidth = wide ? Math.floor(columns * 0.55) : columns;
  const previewWidth = wide ? columns - listWidth - 3 : columns;
  const footer = footerLines(FOOTER, columns, 3);
  // one line fewer than the window: a full window makes Ink clear and redraw it whole each time
  const body = Math.max(3, height - 1 - 3 - footer.length);
  const previewHeight = wide ? body : Math.max(3, Math.floor(body * 0.45));
  const listHeight = wide ? body : Math.max(1, body - previewHeight - 1);
  const cols = columnsFor(listWidth);
  const top = Math.max(
    0,
    Math.min(selected - Math.floor(listHeight / 2), visible.length - listHeight),
  );

  const reload = useCallback(
    async (withArchived: boolean) => {
      const loaded = await source.load({ archived: withArchived });
      setAll(loaded.rows);
      setNotes(loaded.notes);
      setPreviews(new Map());
    },
    [source],
  );

  const act = useCallback(
    async (label: string, fn: () => Promise<string>, thenReload = true) => {
      setBusy(label);
      try {
        const text = await fn();
        setStatus({ text });
        if (thenReload) await reload(archived);
      } catch (error) {
        const e = error as Error & { hint?: string };
        setStatus({ text: `${e.message}${e.hint ? ` (${e.hint})` : ''}`, warn: true });
      } finally {
        setBusy(undefined);
      }
    },
    [reload, archived],
  );

  // The preview's session file, read a moment after the highlight stops on it.
  useEffect(() => {
    if (!current || current.archive || previews.has(current.file)) return;
    const row = current;
    const timer = setTimeout(() => {
      source.read(row).then(
        (session) => setPreviews((p) => new Map(p).set(row.file, { session })),
        (error: Error) => setPreviews((p) => new Map(p).set(row.file, { error: error.message })),
      );
    }, 25);
    return () => clearTimeout(timer);
  }, [current, previews, source]);

  const move = (by: number) => {
    setSelected((s) => Math.max(0, Math.min(visible.length - 1, s + by)));
  };
  const resetSelection = () => setSelected(0);

  const liveOnly = (row: BrowseRow, doing: string): boolean => {
    if (!row.archive) return true;
    setStatus({
      text: `${idOf(row)} is archived: to ${doing} it, restore it first (grok sessions archive restore ${idOf(row)})`,
      warn: true,
    });
    return false;
  };

  // A file that cannot be read (removed or being rewritten by another grok, too many files open)
  // is said in the view, which stays open until the user leaves it: back in the list, where they
  // were, a key would clear the status line before it was read. An answer that comes after the
  // user has left the view changes nothing.
  const readIntoView = (row: BrowseRow) => {
    source.read(row).then(
      (session) =>
        setMode((m) =>
          m.kind === 'view' && m.row === row ? { ...m, session, error: undefined } : m,
        ),
      (error: Error) =>
        setMode((m) => (m.kind === 'view' && m.row === row ? { ...m, error: error.message } : m)),
    );
  };

  const openView = (row: BrowseRow) => {
    if (!liveOnly(row, 'view')) return;
    const cached = previews.get(row.file)?.session;
    setMode({ kind: 'view', row, session: cached, top: 0 });
    if (!cached) readIntoView(row);
  };

  const viewLines = useMemo(
    () => (mode.kind === 'view' && mode.session ? conversationLines(mode.session, columns) : []),
    [mode, columns],
  );

  const onKey = (input: string, key: Key) => {
    if (key.ctrl && input === 'c') {
      done({ kind: 'interrupted', signal: 'SIGINT' });
      return;
    }
    if (busy) return;
    const mouse = MOUSE.exec(input);
    const wheel = mouse ? Number(mouse[1]) : undefined;
    if (mouse && wheel !== 64 && wheel !== 65) return; // clicks and drags: not used
    const up = key.upArrow || wheel === 64;
    const down = key.downArrow || wheel === 65;
    const step = wheel === undefined ? 1 : 3;
    // Printable text, or text and backspaces: keys typed faster than they are read, or pasted,
    // come as one input.
    const typed = !key.ctrl && !key.meta && !mouse && /[^\p{Cc}]/u.test(input);

    if (mode.kind === 'view') {
      const page = Math.max(1, height - 3);
      // Until the session is read, its length is unknown: a move is kept as asked (G, the end)
      // and made once it is drawn, not lost to a slow read.
      const last = mode.session ? Math.max(0, viewLines.length - page) : Number.POSITIVE_INFINITY;
      const at = Math.min(mode.top, last);
      const scroll = (to: number) => setMode({ ...mode, top: Math.max(0, Math.min(last, to)) });
      if (up || input === 'k') scroll(at - step);
      else if (down || input === 'j') scroll(at + step);
      else if (key.pageUp) scroll(at - page);
      else if (key.pageDown || input === ' ') scroll(at + page);
      else if (input === 'g' || key.home) scroll(0);
      else if (input === 'G' || key.end) scroll(last);
      else if (input === 'q' || key.escape) setMode({ kind: 'list' });
      else if (input === 'r' && mode.error !== undefined) {
        setMode({ ...mode, error: undefined });
        readIntoView(mode.row);
      }
      return;
    }

    if (mode.kind === 'confirm') {
      const { row, what } = mode;
      setMode({ kind: 'list' });
      if (input === 'y' || input === 'Y') {
        void act(what === 'delete' ? 'deleting…' : 'archiving…', () =>
          what === 'delete' ? source.remove(row) : source.archive(row),
        );
      } else {
        setStatus({ text: what === 'delete' ? 'Nothing deleted.' : 'Nothing archived.' });
      }
      return;
    }

    if (mode.kind === 'prompt' || mode.kind === 'search') {
      if (key.escape) {
        setMode({ kind: 'list' });
        return;
      }
      if ((key.backspace || key.delete) && !typed) {
        setMode({ ...mode, text: mode.text.slice(0, -1) });
        return;
      }
      // Enter, or a text typed with its Enter in one input
      const enter = key.return || (typed && input.includes('\r'));
      if (enter) {
        const text = (typed ? edited(mode.text, input.split('\r')[0] ?? '') : mode.text).trim();
        setMode({ kind: 'list' });
        if (mode.kind === 'search') {
          if (text === '') {
            setSearch(undefined);
            return;
          }
          setBusy(`searching every message for '${text}'…`);
          source.search(text, { archived }).then(
            (hits) => {
              setSearch({ text, hits });
              setStatus({
                text: `'${text}': found in ${hits.size} ${plural(hits.size, 'session')} (esc clears)`,
              });
              resetSelection();
              setBusy(undefined);
            },
            (error: Error) => {
              setStatus({ text: error.message, warn: true });
              setBusy(undefined);
            },
          );
          return;
        }
        if (!current || text === '') return;
        const row = current;
        if (mode.what === 'rename') void act('renaming…', () => source.rename(row, text));
        else void act('tagging…', () => source.tag(row, text.split(/[\s,]+/).filter(Boolean)));
        return;
      }
      if (typed) setMode({ ...mode, text: edited(mode.text, input) });
      return;
    }

    // list and filter modes
    if (up || (mode.kind === 'list' && input === 'k')) return move(-step);
    if (down || (mode.kind === 'list' && input === 'j')) return move(step);
    if (key.pageUp) return move(-listHeight);
    if (key.pageDown) return move(listHeight);
    if (key.home) return setSelected(0);
    if (key.end) return setSelected(Math.max(0, visible.length - 1));
    if (key.return || (mode.kind === 'filter' && typed && input.endsWith('\r'))) {
      if (typed && input.length > 1) {
        // the filter and its Enter in one input: the first row it leaves
        const row = filterRows(visible, edited(filter, input.slice(0, -1)))[0];
        if (row && liveOnly(row, 'resume')) done({ kind: 'resume', row });
        return;
      }
      if (current && liveOnly(current, 'resume')) done({ kind: 'resume', row: current });
      return;
    }
    if (key.tab) {
      setMode({ kind: mode.kind === 'filter' ? 'list' : 'filter' });
      return;
    }
    if ((key.backspace || key.delete) && !typed) {
      const next = filter.slice(0, -1);
      setFilter(next);
      resetSelection();
      if (next === '') setMode({ kind: 'list' });
      return;
    }
    if (key.escape) {
      if (mode.kind === 'filter') setMode({ kind: 'list' });
      else if (filter !== '') {
        setFilter('');
        resetSelection();
      } else if (search) {
        setSearch(undefined);
        setStatus(undefined);
        resetSelection();
      } else done({ kind: 'quit' });
      return;
    }
    if (!typed) return;
    if (mode.kind === 'filter') {
      setFilter(edited(filter, input));
      resetSelection();
      return;
    }
    setStatus(undefined);
    if (input.length > 1 && !/\p{Cc}/u.test(input)) {
      // several keys at once: '/' and a text is a search being typed; anything else, a filter
      if (input.startsWith('/')) setMode({ kind: 'search', text: input.slice(1) });
      else {
        setFilter(edited(filter, input));
        setMode({ kind: 'filter' });
        resetSelection();
      }
      return;
    }
    switch (input) {
      case 'q':
        return done({ kind: 'quit' });
      case 'v':
        if (current) openView(current);
        return;
      case 'n':
        if (current && liveOnly(current, 'rename'))
          setMode({ kind: 'prompt', what: 'rename', text: current.name ?? '' });
        return;
      case 't':
        if (current && liveOnly(current, 'tag')) setMode({ kind: 'prompt', what: 'tag', text: '' });
        return;
      case 'd':
        if (current && liveOnly(current, 'delete'))
          setMode({ kind: 'confirm', what: 'delete', row: current });
        return;
      case 'a':
        if (current && liveOnly(current, 'archive'))
          setMode({ kind: 'confirm', what: 'archive', row: current });
        return;
      case 'e':
        if (current && liveOnly(current, 'export')) {
          const row = current;
          void act('exporting…', () => source.exportMarkdown(row), false);
        }
        return;
      case 's':
        setSort(nextSort(sort));
        resetSelection();
        return;
      case 'c':
        setCwdOnly(!cwdOnly);
        resetSelection();
        return;
      case 'A': {
        const next = !archived;
        setArchived(next);
        resetSelection();
        void act(
          next ? 'reading archives…' : 'reloading…',
          async () => {
            await reload(next);
            return next ? 'archived sessions shown' : 'archived sessions hidden';
          },
          false,
        );
        return;
      }
      case '/':
        setMode({ kind: 'search', text: search?.text ?? '' });
        return;
      default:
        // any other key starts the filter: typing filters at once
        setFilter(filter + input);
        setMode({ kind: 'filter' });
        resetSelection();
    }
  };

  // Keys pressed before every row is in wait, and are then taken one a render, in order, each
  // seeing what the one before it did.
  const waiting = useRef<[string, Key][]>([]);
  const [taken, setTaken] = useState(0);
  const take = (input: string, key: Key) => {
    // behind keys still waiting, a key waits too: they are taken in the order they came
    if ((complete && waiting.current.length === 0) || (key.ctrl && input === 'c'))
      onKey(input, key);
    else waiting.current.push([input, key]);
  };
  // A key goes to the screen as last drawn. Ink passes keys to the handler useInput was last
  // given, and swaps handlers in an effect; after a render that took more than a few milliseconds
  // React runs that effect on a later turn of the event loop, and a key read in between went to
  // the screen before (on a busy machine: the conversation view drawn, its `G` typed into the
  // list's filter). Here the handler is swapped in a layout effect, which runs as the screen is
  // drawn.
  const latest = useRef(take);
  useLayoutEffect(() => {
    latest.current = take;
  });
  useInput(useCallback((input: string, key: Key) => latest.current(input, key), []));
  // biome-ignore lint/correctness/useExhaustiveDependencies: onKey is new each render; `taken` moves the queue on
  useEffect(() => {
    if (!complete) return;
    const next = waiting.current.shift();
    if (next === undefined) return;
    onKey(...next);
    setTaken((n) => n + 1);
  }, [complete, taken]);

  // ---- drawing ----
  if (mode.kind === 'view') {
    const page = Math.max(1, height - 3);
    // as far as the conversation goes at this window's size
    const viewTop = Math.max(0, Math.min(mode.top, viewLines.length - page));
    const shown: Line[] = mode.session
      ? viewLines.slice(viewTop, viewTop + page)
      : mode.error !== undefined
        ? wrap(mode.error, columns).map((l) => [{ text: l, style: 'warn' as const }])
        : [[{ text: 'reading…', style: 'dim' as const }]];
    const where = mode.session
      ? ` · lines ${Math.min(viewLines.length, viewTop + 1)}-${Math.min(viewLines.length, viewTop + page)} of ${viewLines.length}`
      : '';
    return h(
      Box,
      { flexDirection: 'column', width: columns },
      lineNode(
        [
          {
            text: fitWidth(`${title(mode.row)} · ${idOf(mode.row)}${where}`, columns),
            style: 'title',
          },
        ],
        'h',
        colour,
      ),
      ...exactly(shown, page).map((l, i) => lineNode(l, i, colour)),
      lineNode(
        [
          {
            text: fitWidth(
              mode.error !== undefined
                ? VIEW_ERROR_FOOTER
                : mode.session
                  ? VIEW_FOOTER
                  : 'q/esc back',
              columns,
            ),
            style: 'dim',
          },
        ],
        'f',
        colour,
      ),
    );
  }

  const scope = `${cwdOnly && !noneHere ? 'this directory' : 'all directories'}${archived ? ' + archived' : ''}`;
  const head: Line = [
    { text: 'grok sessions', style: 'title' },
    {
      text: fitWidth(
        ` · ${visibleCount} of ${scopedCount} · ${scope} · sort: ${sort}${search ? ` · text: '${search.text}'` : ''}`,
        columns - 13,
      ),
    },
  ];
  const cursor = '█';
  let input: Line;
  if (busy) input = [{ text: fitWidth(busy, columns), style: 'dim' }];
  else if (mode.kind === 'filter')
    input = [{ text: fitWidth(`filter: ${filter}${cursor}`, columns) }];
  else if (mode.kind === 'search')
    input = [
      { text: fitWidth(`search every message and tool result: ${mode.text}${cursor}`, columns) },
    ];
  else if (mode.kind === 'prompt')
    input = [
      {
        text: fitWidth(
          mode.what === 'rename'
            ? `new name for ${current ? idOf(current) : ''}: ${mode.text}${cursor}`
            : `tags to add to ${current ? idOf(current) : ''} (space separated): ${mode.text}${cursor}`,
          columns,
        ),
      },
    ];
  else if (mode.kind === 'confirm')
    input = [
      {
        text: fitWidth(
          mode.what === 'delete'
            ? `delete ${mode.row.file}? [y/N]`
            : `archive ${mode.row.file} into its month's archive and remove the original? [y/N]`,
          columns,
        ),
        style: 'warn',
      },
    ];
  else if (status)
    input = [{ text: fitWidth(status.text, columns), style: status.warn ? 'warn' : undefined }];
  else if (noneHere)
    input = [
      {
        text: fitWidth('No sessions were recorded in this directory: showing all.', columns),
        style: 'dim',
      },
    ];
  else if (filter !== '')
    input = [
      { text: fitWidth(`filter: ${filter} (tab to edit, esc clears)`, columns), style: 'dim' },
    ];
  else if (notes.length > 0) input = [{ text: fitWidth(notes.join('; '), columns), style: 'dim' }];
  else
    input = [
      {
        text: fitWidth('type to filter · / searches the text of every message', columns),
        style: 'dim',
      },
    ];

  const listLines: Line[] = visible.slice(top, top + listHeight).map((row, i) => {
    const on = top + i === selected;
    return [
      {
        text: `${on ? '›' : ' '} ${rowLine(row, cols)}`,
        style: on ? ('title' as const) : undefined,
      },
    ];
  });
  if (visible.length === 0)
    listLines.push([
      {
        text: fitWidth(
          all.length === 0 ? '  No sessions yet.' : '  No session matches.',
          listWidth,
        ),
        style: 'dim',
      },
    ]);
  const listNodes = exactly(listLines, listHeight).map((l, i) => {
    const on = l[0]?.style === 'title' && l[0].text.startsWith('›');
    return on
      ? h(Text, { key: i, inverse: true, wrap: 'truncate-end' }, l[0]?.text ?? '')
      : lineNode(l, i, colour);
  });
  const preview = current
    ? previewLines(
        {
          row: current,
          cwd: source.cwd,
          session: previews.get(current.file)?.session,
          error: previews.get(current.file)?.error,
          hits: search?.hits.get(current.file),
        },
        previewWidth,
        previewHeight,
      )
    : [];
  const previewNodes = exactly(preview, previewHeight).map((l, i) => lineNode(l, i, colour));
  const listBox = h(
    Box,
    { flexDirection: 'column', width: listWidth },
    lineNode([{ text: fitWidth(`  ${headerLine(cols)}`, listWidth), style: 'dim' }], 'ch', colour),
    ...listNodes,
  );
  const main = wide
    ? h(
        Box,
        { flexDirection: 'row' },
        listBox,
        h(Box, { width: 3 }, h(Text, null, ' ')),
        h(
          Box,
          { flexDirection: 'column', width: previewWidth },
          h(Text, null, ' '),
          ...previewNodes,
        ),
      )
    : h(
        Box,
        { flexDirection: 'column' },
        listBox,
        lineNode([{ text: '─'.repeat(columns), style: 'dim' }], 'sep', colour),
        ...previewNodes,
      );
  return h(
    Box,
    { flexDirection: 'column', width: columns },
    lineNode(head, 'head', colour),
    lineNode(input, 'input', colour),
    main,
    ...footer.map((l, i) => lineNode(l, `f${i}`, colour)),
  );
}

const ENTER = '\u001b[?1049h\u001b[H\u001b[2J\u001b[?1000h\u001b[?1006h';
const LEAVE = '\u001b[?1000l\u001b[?1006l\u001b[?25h\u001b[?1049l';

/**
 * Runs the browser on the terminal until the user leaves it; the terminal is back as it was when
 * this returns (or the process exits).
 */
export async function runBrowser(
  source: BrowseSource,
  options: BrowseOptions,
  initial: FirstRows,
): Promise<BrowseOutcome> {
  const { stdin, stdout } = process;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // a terminal already gone
    }
    try {
      writeSync(stdout.fd, LEAVE);
    } catch {
      // a terminal already gone
    }
  };
  let outcome: BrowseOutcome = { kind: 'quit' };
  let app: ReturnType<typeof render> | undefined;
  const finish = (o: BrowseOutcome) => {
    outcome = o;
    app?.unmount();
  };
  const onSigterm = () => finish({ kind: 'interrupted', signal: 'SIGTERM' });
  const onSigint = () => finish({ kind: 'interrupted', signal: 'SIGINT' });
  process.on('exit', restore);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSigterm);
  process.on('SIGINT', onSigint);
  writeSync(stdout.fd, ENTER);
  try {
    app = render(h(Browser, { source, options, initial, done: finish }), {
      exitOnCtrlC: false,
      patchConsole: false,
    });
    await app.waitUntilExit();
  } finally {
    app?.unmount();
    restore();
    process.off('exit', restore);
    process.off('SIGTERM', onSigterm);
    process.off('SIGHUP', onSigterm);
    process.off('SIGINT', onSigint);
  }
  // Ink lets go of stdin (unref): a chat resumed next reads from it again
  if ((outcome as BrowseOutcome).kind === 'resume') stdin.ref();
  return outcome;
}
