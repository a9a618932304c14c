import { LamphpError } from '../errors.ts';

/** A Lambda HTTP event that cannot be turned into a request; the message says what is wrong. */
export class EventError extends LamphpError {
  declare readonly code: 'EBADEVENT';
  constructor(message: string, options?: { cause?: unknown }) {
    super('EBADEVENT', message, options);
    this.name = 'EventError';
  }
}
