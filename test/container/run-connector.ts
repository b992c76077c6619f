/**
 * Runs one command of the built image in a fresh container, as Airbyte's platform does: input files
 * copied under /airbyte/..., wait for the exit code, then read the logs once (not following them:
 * awaiting a following log stream alone lets the event loop drain) and demultiplex them.
 */
import { GenericContainer, getContainerRuntimeClient } from 'testcontainers';
import type { RunResult } from '../helpers/connector.js';
import { parseMessages } from '../helpers/protocol.js';
import { demultiplexDockerLogs } from './docker-logs.js';
import { buildImage } from './image.js';

export interface ContainerRunOptions {
  /** Files to put into the container before it starts: absolute path → content (text, or a value written as JSON). */
  files?: Record<string, unknown>;
  /** 'host' lets the container reach servers on this machine's 127.0.0.1. */
  networkMode?: 'host';
  /** Replaces the image's ENTRYPOINT. */
  entrypoint?: string[];
  /** The container is killed after this long; default 120 s. */
  timeoutMs?: number;
}

export interface ContainerRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` (the arguments after the entrypoint) in a fresh container of the connector image. */
export async function runContainer(command: string[], options: ContainerRunOptions = {}): Promise<ContainerRun> {
  const image = await buildImage();
  let definition = new GenericContainer(image).withCommand(command);
  const files = Object.entries(options.files ?? {}).map(([target, content]) => ({
    target,
    content: typeof content === 'string' ? content : JSON.stringify(content),
    mode: 0o644,
  }));
  if (files.length > 0) definition = definition.withCopyContentToContainer(files);
  if (options.networkMode) definition = definition.withNetworkMode(options.networkMode);
  if (options.entrypoint) definition = definition.withEntrypoint(options.entrypoint);

  const started = await definition.start();
  const client = await getContainerRuntimeClient();
  const container = client.container.dockerode.getContainer(started.getId());
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void container.kill().catch(() => undefined);
        reject(new Error(`the container running '${command.join(' ')}' did not exit within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const { StatusCode } = (await Promise.race([container.wait(), timedOut])) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true, follow: false });
    return { exitCode: StatusCode, ...demultiplexDockerLogs(logs) };
  } finally {
    clearTimeout(timer);
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** The inputs of a connector command; each given one is copied in and passed by its path. */
export interface ConnectorInputs {
  config?: unknown;
  catalog?: unknown;
  state?: unknown;
}

export type ConnectorCommand = 'spec' | 'check' | 'discover' | 'read';

const INPUT_PATHS: Record<keyof ConnectorInputs, string> = {
  config: '/airbyte/config/config.json',
  catalog: '/airbyte/config/catalog.json',
  state: '/airbyte/config/state.json',
};

/**
 * Runs `spec`, `check`, `discover` or `read` in the image and parses stdout, which must consist of
 * valid Airbyte messages only (each line is checked against the official protocol schema).
 */
export async function runConnector(
  command: ConnectorCommand,
  inputs: ConnectorInputs = {},
  options: Omit<ContainerRunOptions, 'files' | 'entrypoint'> = {},
): Promise<RunResult> {
  const args: string[] = [command];
  const files: Record<string, unknown> = {};
  for (const key of ['config', 'catalog', 'state'] as const) {
    if (inputs[key] === undefined) continue;
    args.push(`--${key}`, INPUT_PATHS[key]);
    files[INPUT_PATHS[key]] = inputs[key];
  }
  const run = await runContainer(args, { ...options, files });
  return { exitCode: run.exitCode, signal: null, stdout: run.stdout, stderr: run.stderr, messages: parseMessages(run.stdout) };
}
