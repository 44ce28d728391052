/** The rooms' import rules (eslint.config.js, ARCHITECTURE.md): `npm run lint` fails on a wrong-way import. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const lint = async (filePath: string, code: string): Promise<string[]> => {
  const [result] = await new ESLint({ cwd: new URL('../../', import.meta.url).pathname }).lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
};

describe('import boundaries', () => {
  it('refuses an import that points the wrong way, naming the rule, and lets the right ones be', async () => {
    assert.match(
      (
        await lint(
          'agent/wrong-way.ts',
          "import { ControlService } from '../control/control-service.js';\nexport const x = ControlService;\n",
        )
      )[0] ?? '',
      /agent\/ may import only bus\/, shared\/ .*an import of control\/ points the wrong way/,
    );
    assert.match(
      (await lint('bus/wrong-way.ts', "import { Watchdog } from '../agent/watchdog.js';\nexport const x = Watchdog;\n"))[0] ?? '',
      /bus\/ may import only shared\//,
    );
    assert.match(
      (await lint('control/wrong-way.ts', "import { waitFor } from '../lab/wait.js';\nexport const x = waitFor;\n"))[0] ?? '',
      /an import of lab\/ points the wrong way/,
    );
    assert.match(
      (
        await lint(
          'dashboard/wrong-way.ts',
          "import { ControlService } from '../control/control-service.js';\nexport const x = ControlService;\n",
        )
      )[0] ?? '',
      /dashboard\/ runs in the browser/,
    );
    assert.deepEqual(
      await lint('agent/right-way.ts', "import { errorMessage } from '../shared/errors.js';\nexport const x = errorMessage;\n"),
      [],
    );
    assert.deepEqual(
      await lint('dashboard/right-way.ts', "import { matchFaults } from '../api/fault-match.js';\nexport const x = matchFaults;\n"),
      [],
    );
  });

  it("keeps the agent's rooms in order: none imports the watchdog or a room above it; the composition's rooms may", async () => {
    const code = (from: string, name: string): string => `import { ${name} } from '${from}';\nexport const x = ${name};\n`;
    assert.match(
      (await lint('agent/probing/wrong-way.ts', code('../healing/healer.js', 'Healer')))[0] ?? '',
      /agent\/probing\/ may import only agent\/policy\/ and the files under the composition .*points the wrong way/,
    );
    assert.match(
      (await lint('agent/healing/wrong-way.ts', code('../watchdog.js', 'Watchdog')))[0] ?? '',
      /agent\/healing\/ may import only agent\/judging\/, agent\/policy\//,
    );
    assert.match(
      (await lint('agent/policy/wrong-way.ts', code('../verdicts/classic.js', 'ClassicVerdict')))[0] ?? '',
      /points the wrong way/,
    );
    assert.match(
      (await lint('agent/judging/wrong-way.ts', code('../../control/answers.js', 'policyView')))[0] ?? '',
      /agent\/ may import only bus\/, shared\/ .*an import of control\/ points the wrong way/,
      "an agent room keeps the agent's own rule",
    );
    assert.deepEqual(await lint('agent/healing/right-way.ts', code('../judging/decide.js', 'judgeContainer')), []);
    assert.deepEqual(await lint('agent/verdicts/right-way.ts', code('../probing/loop-prober.js', 'x')), []);
    assert.deepEqual(await lint('agent/commands/right-way.ts', code('../watchdog.js', 'Watchdog')), []);
  });
});
