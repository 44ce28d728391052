/** An answer other than success: HTTP status, stable code, and a message for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The command this answer is about, when it may have been or may yet be applied: its `command` event names it. */
    readonly commandId?: string,
  ) {
    super(message);
  }
}
