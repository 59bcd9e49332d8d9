/** The seed's example session, as a plain object to vary in tests. */
export function sampleSession(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sessionId: 'session-2025-11-05-14-30-12',
    startTime: '2025-11-05T14:30:12.345Z',
    endTime: '2025-11-05T15:15:42.789Z',
    model: 'grok-2-1212',
    messages: [
      { role: 'system', content: '[GROK.md + docs-index.md content]' },
      {
        role: 'user',
        content: 'analyze authentication flow',
        timestamp: '2025-11-05T14:30:15.000Z',
      },
      {
        role: 'assistant',
        content: "I'll analyze the authentication flow...",
        timestamp: '2025-11-05T14:30:18.500Z',
        toolCalls: [
          {
            tool: 'Glob',
            parameters: { pattern: '**/*auth*' },
            result: ['src/auth/middleware.ts'],
          },
        ],
      },
    ],
    tokenUsage: { input: 23450, output: 8920, total: 32370 },
    metadata: {
      workingDirectory: '/home/user/myproject',
      nodeVersion: '20.10.0',
      grokVersion: '1.1.101',
    },
    ...overrides,
  };
}
