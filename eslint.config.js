import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The house's rooms and which way their imports may point (ARCHITECTURE.md, "Rooms"): a room may
 * import only the rooms below it. Production code never imports tests, the lab, benchmarks or
 * scripts; agent and control never import each other; the dashboard (bundled for the browser)
 * imports only api/ (the REST contract and the fault-matching rule it shares with control).
 */
const ROOMS = [
  'shared',
  'chaos',
  'bus',
  'api',
  'cli',
  'agent',
  'control',
  'antagonist',
  'dummy',
  'dashboard',
  'scripts',
  'lab',
  'bench',
  'test',
];
const MAY_IMPORT = {
  shared: [],
  chaos: ['shared'],
  bus: ['shared'],
  api: ['shared'],
  cli: ['api', 'bus', 'shared'],
  agent: ['bus', 'shared'],
  control: ['api', 'bus', 'shared'],
  antagonist: ['bus', 'chaos', 'shared'],
  dummy: ['chaos', 'shared'],
};

/**
 * The agent's rooms (ARCHITECTURE.md, "The agent's rooms"): each may import the files at agent/'s
 * root below the composition (ports.ts, container-results.ts, concurrency.ts) and the rooms
 * listed; none imports the watchdog but commands/ and reporting/, which stand above it.
 */
const AGENT_ROOMS = {
  probing: ['policy'],
  judging: ['probing'],
  policy: [],
  engine: [],
  healing: ['judging', 'policy'],
  verdicts: ['engine', 'healing', 'judging', 'policy', 'probing'],
  commands: ['*'],
  reporting: ['*'],
};

const wrongWayPatterns = (room, allowed) =>
  ROOMS.filter((other) => other !== room && !allowed.includes(other)).map((other) => ({
    group: [`**/${other}/*`, `**/${other}/**`],
    message: `${room}/ may import only ${allowed.length ? allowed.map((r) => `${r}/`).join(', ') : 'nothing of the project'} (ARCHITECTURE.md, "Rooms"): an import of ${other}/ points the wrong way.`,
  }));

const wrongWay = (room, allowed) => ({
  files: [`${room}/**/*.ts`],
  rules: { 'no-restricted-imports': ['error', { patterns: wrongWayPatterns(room, allowed) }] },
});

/** An agent room's rule: the agent's own (a later config replaces the rule, so both sets are given) and the rooms' inside it. */
const agentRoom = (room, allowed) => ({
  files: [`agent/${room}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...wrongWayPatterns('agent', MAY_IMPORT.agent),
          ...(allowed.includes('*')
            ? []
            : [
                {
                  group: [
                    '../watchdog.js',
                    '../watchdog-options.js',
                    '../main.js',
                    '../config.js',
                    ...Object.keys(AGENT_ROOMS)
                      .filter((other) => other !== room && !allowed.includes(other))
                      .map((other) => `../${other}/*`),
                  ],
                  message: `agent/${room}/ may import only ${allowed.length ? allowed.map((r) => `agent/${r}/`).join(', ') + ' and ' : ''}the files under the composition at agent/'s root (ARCHITECTURE.md, "The agent's rooms"): this import points the wrong way.`,
                },
              ]),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', '.state/', 'bench/results/', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...Object.entries(MAY_IMPORT).map(([room, allowed]) => wrongWay(room, allowed)),
  ...Object.entries(AGENT_ROOMS).map(([room, allowed]) => agentRoom(room, allowed)),
  {
    files: ['dashboard/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!api/)[a-z-]+/',
              message:
                'dashboard/ runs in the browser: it may import only api/ (the REST contract and the rules both sides share; ARCHITECTURE.md, "Rooms").',
            },
          ],
        },
      ],
    },
  },
);
