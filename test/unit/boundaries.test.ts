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
      await lint('dashboard/right-way.ts', "import { matchFaults } from '../control/fault-match.js';\nexport const x = matchFaults;\n"),
      [],
    );
  });
});
