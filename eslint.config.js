import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The house's rooms and which way their imports may point (ARCHITECTURE.md, "Rooms"): a room may
 * import only the rooms below it. Production code never imports tests, the lab, benchmarks or
 * scripts; agent and control never import each other; the dashboard (bundled for the browser)
 * imports only control's REST contract and the fault-matching rule it shares with control.
 */
const ROOMS = ['shared', 'chaos', 'bus', 'agent', 'control', 'antagonist', 'dummy', 'dashboard', 'scripts', 'lab', 'bench', 'test'];
const MAY_IMPORT = {
  shared: [],
  chaos: ['shared'],
  bus: ['shared'],
  agent: ['bus', 'shared'],
  control: ['bus', 'shared'],
  antagonist: ['bus', 'chaos', 'shared'],
  dummy: ['chaos', 'shared'],
};

const wrongWay = (room, allowed) => ({
  files: [`${room}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: ROOMS.filter((other) => other !== room && !allowed.includes(other)).map((other) => ({
          group: [`**/${other}/*`, `**/${other}/**`],
          message: `${room}/ may import only ${allowed.length ? allowed.map((r) => `${r}/`).join(', ') : 'nothing of the project'} (ARCHITECTURE.md, "Rooms"): an import of ${other}/ points the wrong way.`,
        })),
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
  {
    files: ['dashboard/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!control/(api\\.generated|fault-match)\\.js$)[a-z-]+/',
              message:
                'dashboard/ runs in the browser: it may import only control/api.generated.js (the REST contract) and control/fault-match.js (ARCHITECTURE.md, "Rooms").',
            },
          ],
        },
      ],
    },
  },
);
