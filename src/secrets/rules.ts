/**
 * What a credential looks like, as data: one row per kind. Every pattern is linear-time: a
 * lookbehind instead of \b so a match starts only at the beginning of a run, and greedy runs
 * that never need to give characters back. test/secrets/rules.test.ts checks each one with a
 * ReDoS analyser (recheck); bench/ times them on 5 MB of adversarial text.
 *
 * Text a tool read from a JSON file (a service-account key, a `.env` serialised by a program) holds
 * its line breaks as two characters, `\n`: the scanner reads those as line breaks (scan.ts,
 * `unescapedView`), and an assignment's quotes may come escaped (`\"`), which QUOTE allows.
 *
 * `group` names the capture group that is the secret itself, when the match also holds context
 * (the `password=` of an assignment): only the group is masked and redacted.
 */
export interface SecretRule {
  id: string;
  description: string;
  pattern: RegExp;
  group?: number;
}

/** Not inside a longer run of `chars`. */
const after = (chars: string) => `(?<![${chars}])`;
/** An optional quote, escaped up to three times (JSON inside JSON inside JSON). */
const QUOTE = String.raw`(?:\\{0,3}["'])?`;
const rule = (source: string, flags = 'g') => new RegExp(source, flags);

const KEY_TYPES = '(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?';
/**
 * A key's body: base64 and white space, and the characters of a legacy PEM's headers
 * (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC,<hex>`, PGP's `Version: ...`), a dash never
 * where the END line begins.
 */
const KEY_BODY = String.raw`(?:[A-Za-z0-9+/=\s]|[:,.()-](?!----))*`;

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'xai-api-key',
    description: 'xAI API key',
    pattern: rule(`${after('A-Za-z0-9_-')}xai-[A-Za-z0-9]{32,}`),
  },
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API key',
    pattern: rule(`${after('A-Za-z0-9_-')}sk-ant-[a-z0-9]{2,8}-[A-Za-z0-9_-]{32,}`),
  },
  {
    id: 'openai-project-key',
    description: 'OpenAI project API key',
    pattern: rule(`${after('A-Za-z0-9_-')}sk-proj-[A-Za-z0-9_-]{32,}`),
  },
  {
    id: 'openai-api-key',
    description: 'OpenAI API key',
    pattern: rule(`${after('A-Za-z0-9_-')}sk-(?!ant-|proj-)[A-Za-z0-9]{32,}(?![_-])`),
  },
  {
    id: 'github-token',
    description: 'GitHub token (personal, OAuth, app, refresh)',
    pattern: rule(`${after('A-Za-z0-9_')}gh[pousr]_[A-Za-z0-9]{36,}`),
  },
  {
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    pattern: rule(`${after('A-Za-z0-9_')}github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59,}`),
  },
  {
    id: 'aws-access-key-id',
    description: 'AWS access key ID',
    pattern: rule(`${after('A-Za-z0-9')}(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])`),
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key assignment',
    pattern: rule(
      String.raw`${after('A-Za-z0-9_')}aws_secret_access_key${QUOTE}\s{0,8}[:=]\s{0,8}${QUOTE}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])`,
      'gi',
    ),
    group: 1,
  },
  {
    id: 'slack-token',
    description: 'Slack token',
    pattern: rule(`${after('A-Za-z0-9_-')}xox[abposr]-[0-9]{6,16}-[0-9A-Za-z-]{8,}`),
  },
  {
    id: 'slack-webhook',
    description: 'Slack incoming webhook URL',
    pattern:
      /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{16,32}/g,
  },
  {
    id: 'private-key',
    description: 'Private key block',
    pattern: rule(`-----BEGIN ${KEY_TYPES}-----${KEY_BODY}(?:-----END ${KEY_TYPES}-----)?`),
  },
  {
    id: 'jwt',
    description: 'JSON Web Token',
    pattern: rule(
      String.raw`${after('A-Za-z0-9_-')}eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`,
    ),
  },
  {
    id: 'password-assignment',
    description: 'password=, api_key=, secret= style assignment with a literal value',
    // the value stops at a backslash that starts an escape (`\"`, `\n`): the rest is JSON's
    pattern: rule(
      String.raw`${after('A-Za-z0-9_')}(?:password|passwd|pwd|api[_-]?key|apikey|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|secret)${QUOTE}\s{0,8}[:=]\s{0,8}${QUOTE}((?![$<{%*[]|[A-Za-z_-]{1,32}[:=]|process\.env|os\.environ|xxx|changeme|example|placeholder|your[_-])(?:[^\s"'\x60,;&)}\]\\]|\\(?![\\"'nrtu/])){8,256})`,
      'gi',
    ),
    group: 1,
  },
];

export const RULE_IDS = SECRET_RULES.map((r) => r.id);
