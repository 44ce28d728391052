/** Waiting on the real world: poll a check until it holds, with a deadline, never a bare sleep. */

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
