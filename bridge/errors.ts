/** Errors that carry a stable `code` and a sentence a user can act on. */
export class LamphpError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LamphpError';
    this.code = code;
  }
}
