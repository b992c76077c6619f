import type { FailureType } from './protocol/messages.js';

/**
 * A failure the user can act on. `message` is shown to the user as is; `internalMessage` carries
 * the technical detail. Both are masked before they are printed.
 */
export class ConnectorError extends Error {
  /** The stream that was being read, when the failure belongs to one. */
  stream?: string;

  constructor(
    readonly failureType: FailureType,
    message: string,
    readonly internalMessage?: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export const configError = (message: string, internal?: string): ConnectorError =>
  new ConnectorError('config_error', message, internal);

export const systemError = (message: string, internal?: string): ConnectorError =>
  new ConnectorError('system_error', message, internal);

export const transientError = (message: string, internal?: string): ConnectorError =>
  new ConnectorError('transient_error', message, internal);

/** Any thrown value as a ConnectorError; unknown failures are system errors. */
export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return systemError(`The connector failed unexpectedly: ${detail}`, detail);
}
