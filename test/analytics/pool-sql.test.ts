/**
 * The statements a pool runs: the index's own, but for what a pool does not need (its sessions
 * are all selected ones), so that one definition serves both.
 */
import { describe, expect, test } from 'vitest';
import { poolSql, withoutSelectionJoin } from '../../src/analytics/pool.js';
import { loadSql } from '../../src/analytics/sql-files.js';

describe('a pool runs the index statements that join the selection without that join', () => {
  test.each(['internal/session-costs', 'internal/tools'])('%s', (name) => {
    const live = loadSql(name);
    const pooled = poolSql(name);
    expect(live).toMatch(/^\s*JOIN temp\.selected_sids USING \(sid\)$/m);
    expect(pooled).not.toContain('selected_sids');
    // every other line is the index's, in order
    expect(pooled.split('\n')).toEqual(
      live.split('\n').filter((l) => l.trim() !== 'JOIN temp.selected_sids USING (sid)'),
    );
  });

  test('a statement that lost its join is an error, not a silent copy', () => {
    expect(() => withoutSelectionJoin('internal/x', 'SELECT sid FROM sessions;\n')).toThrow(
      /queries\/internal\/x\.sql/,
    );
  });

  test('other statements run as they are', () => {
    expect(poolSql('internal/stats-totals')).toBe(loadSql('internal/stats-totals'));
  });
});
