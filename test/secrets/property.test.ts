/**
 * What redact promises, over many shapes of secret and ways a session holds one: after it, no key
 * material is left, what is left is a valid session with every other byte as it was, and the
 * scan `secrets` runs finds whatever redact would leave (here: nothing). Seeded, so a failure
 * names a case that fails again.
 */
import { describe, expect, it } from 'vitest';
import { redactSession, redactSessionText, scanSessionText } from '../../src/secrets/scan.js';
import { parseSessionText } from '../../src/session/read.js';
import { cases, EMBEDDINGS, material, SHAPES } from './shapes.js';

const CASES = cases(21, 600);

describe('redact and secrets, over many shapes and embeddings', () => {
  it('the generated cases cover every shape and every embedding', () => {
    expect(new Set(CASES.map((c) => c.shape.name)).size).toBe(SHAPES.length);
    expect(new Set(CASES.map((c) => c.embedding.name)).size).toBe(EMBEDDINGS.length);
  });

  it('secrets finds each one, naming its kind and where it is', () => {
    for (const c of CASES) {
      const label = `${c.shape.name} / ${c.embedding.name}`;
      const found = scanSessionText(c.text);
      expect(
        found.some(
          (f) =>
            f.kind === c.shape.kind &&
            f.messageIndex === c.where.messageIndex &&
            f.field === c.where.field,
        ),
        `${label}: ${JSON.stringify(found)}`,
      ).toBe(true);
      // the report shows no secret
      for (const m of material(c.secret)) expect(JSON.stringify(found), label).not.toContain(m);
    }
  });

  it('redact leaves no key material, and nothing secrets would find', () => {
    for (const c of CASES) {
      const label = `${c.shape.name} / ${c.embedding.name}`;
      const { text, redacted } = redactSessionText(c.text);
      expect(redacted, label).toBeGreaterThan(0);
      for (const m of material(c.secret)) expect(text, `${label}: ${m}`).not.toContain(m);
      expect(scanSessionText(text), label).toEqual([]);
      // a session still, with its messages
      const read = parseSessionText(text);
      expect(read.ok, label).toBe(true);
      if (read.ok) expect(read.session.messages).toHaveLength(3);
    }
  });

  it('redact changes only the strings that held a secret', () => {
    for (const c of CASES) {
      const { text } = redactSessionText(c.text);
      // with the string literals that changed emptied on both sides, the texts are equal
      const outside = (s: string) => s.replace(/"(?:[^"\\]|\\.)*REDACTED(?:[^"\\]|\\.)*"/g, '""');
      const changed = new Set(
        [...c.text.matchAll(/"(?:[^"\\]|\\.)*"/g)]
          .map((m) => m[0])
          .filter((s) => !text.includes(s)),
      );
      let expected = c.text;
      for (const s of changed) expected = expected.split(s).join('""');
      expect(outside(text)).toBe(expected);
    }
  });

  it('the transcript export redacts what redact does', () => {
    for (const c of CASES) {
      const { raw } = redactSession(JSON.parse(c.text));
      const out = JSON.stringify(raw);
      for (const m of material(c.secret)) expect(out).not.toContain(m);
    }
  });
});
