/**
 * A true example and a near miss for every kind of credential. The values are built from parts
 * so no scanner mistakes this file for a leak; none of them is a real credential.
 */
const rep = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n);
const alnum = (n: number) => rep('aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0z', n);

export interface Example {
  kind: string;
  text: string;
  /** The secret inside `text`. */
  secret: string;
  nearMiss: string;
}

function ex(kind: string, secret: string, wrap: (s: string) => string, nearMiss: string): Example {
  return { kind, secret, text: wrap(secret), nearMiss };
}

export const EXAMPLES: Example[] = [
  ex(
    'xai-api-key',
    `xai-${alnum(80)}`,
    (s) => `export XAI_API_KEY=${s}`,
    'see xai-docs for the xai-sdk-python package',
  ),
  ex(
    'anthropic-api-key',
    `sk-ant-api03-${alnum(93)}AA`,
    (s) => `ANTHROPIC_API_KEY="${s}"`,
    'the sk-ant- prefix marks Anthropic keys',
  ),
  ex(
    'openai-project-key',
    `sk-proj-${alnum(40)}T3BlbkFJ${alnum(40)}`,
    (s) => `client = OpenAI(api_key="${s}")`,
    'sk-proj-abc is too short to be a key',
  ),
  ex(
    'openai-api-key',
    `sk-${alnum(20)}T3BlbkFJ${alnum(20)}`,
    (s) => `OPENAI_API_KEY=${s}`,
    'the task-runner uses sk-learn and desk-top sk-mode',
  ),
  ex(
    'github-token',
    `ghp_${alnum(36)}`,
    (s) => `git clone https://${s}@github.com/acme/app.git`,
    'ghp_ is the prefix of a classic token; ghp_short',
  ),
  ex('github-token', `gho_${alnum(36)}`, (s) => `oauth: ${s}`, 'the gho_ and ghs_ prefixes'),
  ex('github-token', `ghs_${alnum(36)}`, (s) => `GITHUB_TOKEN=${s}`, 'ghs_12345'),
  ex(
    'github-fine-grained-pat',
    `github_pat_${alnum(22)}_${alnum(59)}`,
    (s) => `token: ${s}`,
    'github_pat_ tokens are fine-grained; github_pat_abc_def',
  ),
  ex(
    'aws-access-key-id',
    `AKIA${rep('IOSFODNN7EXAMPLE', 16)}`,
    (s) => `aws_access_key_id = ${s}`,
    'AKIA-style ids are 20 characters: AKIA1234',
  ),
  ex(
    'aws-secret-access-key',
    `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${alnum(10)}`,
    (s) => `aws_secret_access_key = ${s}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a near miss is a literal placeholder
    'aws_secret_access_key = ${AWS_SECRET}',
  ),
  ex(
    'slack-token',
    `xoxb-${'123456789012'}-${'1234567890123'}-${alnum(24)}`,
    (s) => `SLACK_BOT_TOKEN=${s}`,
    'xoxb- tokens start a Slack bot; xoxb-abc',
  ),
  ex(
    'slack-webhook',
    `https://hooks.slack.com/services/T${'0123ABCD'}/B${'0456EFGH'}/${alnum(24)}`,
    (s) => `curl -X POST ${s}`,
    'https://hooks.slack.com/services/ is the webhook base',
  ),
  ex(
    'private-key',
    `-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA${alnum(64)}\n${alnum(64)}\n-----END RSA PRIVATE KEY-----`,
    (s) => `cat id_rsa\n${s}\n`,
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----',
  ),
  ex(
    'jwt',
    `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.${alnum(43)}`,
    (s) => `Authorization: Bearer ${s}`,
    'a JWT looks like eyJhbGciOi.eyJzdWIi.sig',
  ),
  ex(
    'password-assignment',
    `Tr0ub4dor#3-horse`,
    (s) => `DB_URL config: password=${s}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a near miss is a literal placeholder
    'password=${DB_PASSWORD} and api_key=<your-key> and password: ********',
  ),
  ex(
    'password-assignment',
    `k8s-${alnum(20)}`,
    (s) => `{"api_key": "${s}"}`,
    'api_key: process.env.API_KEY; password= api_key: secret= token=',
  ),
];
