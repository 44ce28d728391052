/**
 * Waiting on the real world: poll a check until it holds, with a deadline, never a bare sleep; and
 * the one other kind of wait a test may have, a window in which something must NOT happen, which
 * says why it is long enough.
 */

/** Thrown by a check when waiting longer cannot help (the process under test has exited). */
export class StopWaiting extends Error {}

/** Polls until `check` returns a truthy value; fails with `what` after `timeoutMs`, or at once on StopWaiting. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * A window in which something must not happen (a restart, a second reply): the test asserts after
 * it. `why` says why the window is long enough for the thing to have happened if it were going to.
 */
export async function quietFor(ms: number, why: string): Promise<void> {
  if (why.trim() === '') throw new Error('quietFor needs the reason its window is long enough');
  await new Promise((resolve) => setTimeout(resolve, ms));
}
