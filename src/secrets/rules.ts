/**
 * What a credential looks like, as data: one row per kind. Every pattern is linear-time: a
 * lookbehind instead of \b so a match starts only at the beginning of a run, and greedy runs
 * that never need to give characters back. test/secrets/rules.test.ts checks each one with a
 * ReDoS analyser (recheck); bench/ times them on 5 MB of adversarial text.
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

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'xai-api-key',
    description: 'xAI API key',
    pattern: /(?<![A-Za-z0-9_-])xai-[A-Za-z0-9]{32,}/g,
  },
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API key',
    pattern: /(?<![A-Za-z0-9_-])sk-ant-[a-z0-9]{2,8}-[A-Za-z0-9_-]{32,}/g,
  },
  {
    id: 'openai-project-key',
    description: 'OpenAI project API key',
    pattern: /(?<![A-Za-z0-9_-])sk-proj-[A-Za-z0-9_-]{32,}/g,
  },
  {
    id: 'openai-api-key',
    description: 'OpenAI API key',
    pattern: /(?<![A-Za-z0-9_-])sk-(?!ant-|proj-)[A-Za-z0-9]{32,}(?![_-])/g,
  },
  {
    id: 'github-token',
    description: 'GitHub token (personal, OAuth, app, refresh)',
    pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,}/g,
  },
  {
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59,}/g,
  },
  {
    id: 'aws-access-key-id',
    description: 'AWS access key ID',
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g,
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key assignment',
    pattern: /\baws_secret_access_key\s{0,8}[:=]\s{0,8}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    group: 1,
  },
  {
    id: 'slack-token',
    description: 'Slack token',
    pattern: /(?<![A-Za-z0-9_-])xox[abposr]-[0-9]{6,16}-[0-9A-Za-z-]{8,}/g,
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
    pattern:
      /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s]*(?:-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)?/g,
  },
  {
    id: 'jwt',
    description: 'JSON Web Token',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
  },
  {
    id: 'password-assignment',
    description: 'password=, api_key=, secret= style assignment with a literal value',
    pattern:
      /\b(?:password|passwd|pwd|api[_-]?key|apikey|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|secret)["']?\s{0,8}[:=]\s{0,8}["']?((?![$<{%*[]|[A-Za-z_-]{1,32}[:=]|process\.env|os\.environ|xxx|changeme|example|placeholder|your[_-])[^\s"'`,;&)}\]]{8,256})/gi,
    group: 1,
  },
];

export const RULE_IDS = SECRET_RULES.map((r) => r.id);
