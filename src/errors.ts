import type { FailureType } from './protocol/messages.js';

export interface FailureDetails {
  /** Technical detail for the TRACE's internal_message. */
  internal?: string;
  /** What caused it: its stack travels in the TRACE's stack_trace. */
  cause?: unknown;
}

/**
 * A failure the user can act on. `message` is shown to the user as is; `internalMessage` carries
 * the technical detail. Everything is masked on its way to stdout.
 */
export class ConnectorError extends Error {
  readonly internalMessage?: string;

  constructor(
    readonly failureType: FailureType,
    message: string,
    details: FailureDetails = {},
    /** The stream that was being read, when the failure belongs to one. */
    readonly stream?: string,
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ConnectorError';
    if (details.internal !== undefined) this.internalMessage = details.internal;
  }

  /** The same failure, attributed to the stream that was being read. */
  inStream(stream: string): ConnectorError {
    const attributed = new ConnectorError(this.failureType, this.message, { internal: this.internalMessage, cause: this.cause }, stream);
    attributed.stack = this.stack;
    return attributed;
  }

  /** Its stack and those of its causes, for the TRACE's stack_trace. */
  get fullStack(): string {
    const parts = [this.stack ?? `${this.name}: ${this.message}`];
    for (let cause = this.cause; cause !== undefined && parts.length < 5; cause = cause instanceof Error ? cause.cause : undefined) {
      parts.push(describeCause(cause));
    }
    return parts.join('\nCaused by: ');
  }
}

/** A cause in words; a thrown value that is no Error may be circular, a BigInt or have no toString. */
function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? `${cause.name}: ${cause.message}`;
  try {
    // Undefined for a symbol or a function, whatever its declared type says.
    const json = JSON.stringify(cause) as string | undefined;
    return json ?? inWords(cause);
  } catch {
    return inWords(cause);
  }
}

function inWords(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

const make =
  (failureType: FailureType) =>
  (message: string, details?: string | FailureDetails): ConnectorError =>
    new ConnectorError(failureType, message, typeof details === 'string' ? { internal: details } : details);

export const configError = make('config_error');
export const systemError = make('system_error');
export const transientError = make('transient_error');

/** Any thrown value as a ConnectorError; unknown failures are system errors that keep their cause. */
export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : inWords(error);
  return systemError(`The connector failed unexpectedly: ${detail}`, { internal: detail, cause: error });
}
