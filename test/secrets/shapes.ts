/**
 * Secrets in many shapes (every kind of token, private keys in every PEM flavour and line ending)
 * and the ways a session file comes to hold them (typed, read by a tool from a JSON file, nested
 * in a tool's parameters, in the session's name, tags, metadata or fields grok does not know).
 * Built from parts: none of them is a real credential.
 */
import { random } from '../helpers.js';
import { sampleSession } from '../sample-session.js';
import { EXAMPLES } from './examples.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Lines(rand: () => number, lines: number): string[] {
  return Array.from({ length: lines }, (_, i) =>
    Array.from({ length: i === lines - 1 ? 20 + Math.floor(rand() * 40) : 64 }, () =>
      B64.charAt(Math.floor(rand() * 64)),
    ).join(''),
  );
}

function pem(
  rand: () => number,
  label: string,
  headers: string[],
  eol: string,
  tail: string[] = [],
): string {
  const body = [...headers, ...(headers.length > 0 ? [''] : []), ...base64Lines(rand, 4), ...tail];
  return [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join(eol);
}

export interface Shape {
  kind: string;
  name: string;
  /** The text put in the session, and the secret in it. */
  make: (rand: () => number) => { text: string; secret: string };
}

const alone = (text: string) => ({ text, secret: text });

export const SHAPES: Shape[] = [
  ...EXAMPLES.map((e, i) => ({
    kind: e.kind,
    name: `${e.kind} (example ${i})`,
    make: () => ({ text: e.text, secret: e.secret }),
  })),
  ...['\n', '\r\n'].flatMap((eol) => [
    {
      kind: 'private-key',
      name: `RSA key (${JSON.stringify(eol)})`,
      make: (r: () => number) => alone(pem(r, 'RSA PRIVATE KEY', [], eol)),
    },
    {
      kind: 'private-key',
      name: `legacy encrypted RSA key (${JSON.stringify(eol)})`,
      make: (r: () => number) =>
        alone(
          pem(
            r,
            'RSA PRIVATE KEY',
            ['Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,5E1B5F0B2A7C0E2B5C4C4E6D5B1A2F3C'],
            eol,
          ),
        ),
    },
    {
      kind: 'private-key',
      name: `legacy encrypted EC key (${JSON.stringify(eol)})`,
      make: (r: () => number) =>
        alone(
          pem(
            r,
            'EC PRIVATE KEY',
            ['Proc-Type: 4,ENCRYPTED', 'DEK-Info: DES-EDE3-CBC,8A3B9C0D1E2F3A4B'],
            eol,
          ),
        ),
    },
    {
      kind: 'private-key',
      name: `PKCS#8 key (${JSON.stringify(eol)})`,
      make: (r: () => number) => alone(pem(r, 'PRIVATE KEY', [], eol)),
    },
    {
      kind: 'private-key',
      name: `encrypted PKCS#8 key (${JSON.stringify(eol)})`,
      make: (r: () => number) => alone(pem(r, 'ENCRYPTED PRIVATE KEY', [], eol)),
    },
    {
      kind: 'private-key',
      name: `OpenSSH key (${JSON.stringify(eol)})`,
      make: (r: () => number) => alone(pem(r, 'OPENSSH PRIVATE KEY', [], eol)),
    },
    {
      kind: 'private-key',
      name: `PGP key block (${JSON.stringify(eol)})`,
      make: (r: () => number) =>
        alone(
          pem(r, 'PGP PRIVATE KEY BLOCK', ['Version: GnuPG v2.0.22 (GNU/Linux)'], eol, ['=tWb3']),
        ),
    },
  ]),
];

/**
 * The parts of a secret that must not survive a redaction: its runs of 8 or more characters of
 * base64 or token alphabet, less the marker lines every key shares.
 */
export function material(secret: string): string[] {
  const stripped = secret
    .replace(/-----(?:BEGIN|END) [A-Z ]+-----/g, ' ')
    .replace(/^(?:Proc-Type|DEK-Info|Version):.*$/gm, ' ');
  const runs = stripped.match(/[A-Za-z0-9+/=_]{8,}/g) ?? [];
  // prefixes a near miss shares (`aws_secret_access_key`), not the secret's own material
  return runs.filter(
    (r) => !/^(?:aws_secret_access_key|ANTHROPIC_API_KEY|OPENAI_API_KEY)$/.test(r),
  );
}

type Obj = Record<string, unknown>;

export interface Embedding {
  name: string;
  /** Puts `secret` into the session; names the field `secrets` reports it in. */
  put: (session: Obj, secret: string) => { messageIndex: number | null; field: string };
  /** Only for secrets without line breaks (a tag, a name, a key of an object). */
  oneLine?: boolean;
}

const messages = (s: Obj) => s.messages as Obj[];
/** The sample's one tool call (message 2). */
const firstCall = (s: Obj) => ((messages(s)[2] as Obj).toolCalls as Obj[])[0] as Obj;
const serviceAccount = (secret: string) => ({
  type: 'service_account',
  project_id: 'acme-prod',
  private_key_id: '0123456789abcdef',
  private_key: secret,
  client_email: 'deploy@acme-prod.iam.example.com',
});

export const EMBEDDINGS: Embedding[] = [
  {
    name: 'typed in a message',
    put: (s, secret) => {
      messages(s)[1] = { ...messages(s)[1], content: `here it is:\n${secret}\nthanks` };
      return { messageIndex: 1, field: 'content' };
    },
  },
  {
    name: 'a JSON file a tool read (line breaks as \\n)',
    put: (s, secret) => {
      const call = firstCall(s);
      call.result = JSON.stringify(serviceAccount(secret), null, 2);
      return { messageIndex: 2, field: 'toolCalls[0].result' };
    },
  },
  {
    name: 'JSON inside JSON a tool read (\\\\n)',
    put: (s, secret) => {
      const call = firstCall(s);
      call.result = JSON.stringify({ body: JSON.stringify(serviceAccount(secret)) });
      return { messageIndex: 2, field: 'toolCalls[0].result' };
    },
  },
  {
    name: 'an .env a tool serialised, the secret after an escaped line break',
    put: (s, secret) => {
      const call = firstCall(s);
      call.result = JSON.stringify({ file: '.env', text: `DEBUG=1\n${secret}\nPORT=8080` });
      return { messageIndex: 2, field: 'toolCalls[0].result' };
    },
  },
  {
    name: 'a line of a tool result array',
    put: (s, secret) => {
      const call = firstCall(s);
      call.result = ['src/auth/middleware.ts', secret];
      return { messageIndex: 2, field: 'toolCalls[0].result[1]' };
    },
  },
  {
    name: 'a tool parameter, nested',
    put: (s, secret) => {
      const call = firstCall(s);
      call.parameters = { env: { vars: [{ value: secret }] } };
      return { messageIndex: 2, field: 'toolCalls[0].parameters.env.vars[0].value' };
    },
  },
  {
    name: 'the session name',
    oneLine: true,
    put: (s, secret) => {
      s.name = `deploy ${secret}`;
      return { messageIndex: null, field: 'name' };
    },
  },
  {
    name: 'a tag',
    oneLine: true,
    put: (s, secret) => {
      s.tags = ['prod', secret];
      return { messageIndex: null, field: 'tags[1]' };
    },
  },
  {
    name: 'metadata',
    put: (s, secret) => {
      s.metadata = { ...(s.metadata as Obj), env: { GROK_KEY: secret } };
      return { messageIndex: null, field: 'metadata.env.GROK_KEY' };
    },
  },
  {
    name: 'a field grok does not know, at the top',
    put: (s, secret) => {
      s.notes = [{ text: secret }];
      return { messageIndex: null, field: 'notes[0].text' };
    },
  },
  {
    name: 'a field grok does not know, in a message',
    put: (s, secret) => {
      messages(s)[1] = { ...messages(s)[1], draft: secret };
      return { messageIndex: 1, field: 'draft' };
    },
  },
  {
    name: 'the key of an object',
    oneLine: true,
    put: (s, secret) => {
      s.metadata = { ...(s.metadata as Obj), seen: { [secret]: true } };
      return { messageIndex: null, field: 'metadata.seen (a key)' };
    },
  },
];

export interface Case {
  shape: Shape;
  embedding: Embedding;
  secret: string;
  /** The session file's text, laid out one of several ways. */
  text: string;
  where: { messageIndex: number | null; field: string };
}

/** `count` sessions, each one secret of a random shape put a random way, written a random way. */
export function cases(seed: number, count: number): Case[] {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const out: Case[] = [];
  while (out.length < count) {
    const shape = pick(SHAPES);
    const { text: secretText, secret } = shape.make(rand);
    const embedding = pick(EMBEDDINGS);
    if (embedding.oneLine && /[\r\n]/.test(secretText)) continue;
    const session = sampleSession({ tags: ['x'] });
    const where = embedding.put(session, secretText);
    const layout = pick([2, 0, '\t']);
    out.push({
      shape,
      embedding,
      secret,
      where,
      text: `${JSON.stringify(session, null, layout)}\n`,
    });
  }
  return out;
}
