import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMessages, type AirbyteMessageJson } from './protocol.js';

/** The bundle the image ships (npm run build makes it), so that these tests run the code users run. */
export const MAIN = new URL('../../dist/bundle/main.mjs', import.meta.url).pathname;

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  messages: AirbyteMessageJson[];
  /** Peak resident memory in MB, when measured. */
  peakRssMb?: number;
}

const TIME = '/usr/bin/time';
const PEAK_RSS_LINE = /\npeak-rss-kb=(\d+)\n?$/;

export interface RunOptions {
  /** Files to write into a fresh temp dir; their paths replace `{name}` in args. */
  files?: Record<string, unknown>;
  /** Kill the process (SIGKILL) when this returns true for a stdout line seen so far. */
  killWhen?: (line: string, lineNumber: number) => boolean;
  timeoutMs?: number;
  /** Run under /usr/bin/time to learn the process's peak resident memory (when that tool exists). */
  measurePeakRss?: boolean;
}

/** Writes the files into a fresh temp dir and puts their paths in place of `{name}` in args. */
export function withFiles(args: string[], files: Record<string, unknown> = {}): { args: string[]; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rootly-connector-'));
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    paths[name] = path;
  }
  return { args: args.map((arg) => arg.replace(/\{(\w+)\}/g, (_, name: string) => paths[name] ?? `{${name}}`)), dir };
}

/** Runs the compiled connector CLI as a real child process. */
export async function runConnector(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const resolved = withFiles(args, options.files).args;
  const measured = options.measurePeakRss === true && existsSync(TIME);
  const command = measured ? [TIME, '-f', '\npeak-rss-kb=%M', process.execPath] : [process.execPath];
  const child = spawn(command[0] as string, [...command.slice(1), MAIN, ...resolved], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  let lineNumber = 0;
  let killed = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (killed) return;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      stdout += `${line}\n`;
      lineNumber += 1;
      if (options.killWhen?.(line, lineNumber)) {
        killed = true;
        child.kill('SIGKILL');
        return;
      }
      newline = pending.indexOf('\n');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  clearTimeout(timer);
  if (!killed) stdout += pending;
  const peak = measured ? PEAK_RSS_LINE.exec(stderr) : null;
  if (peak) stderr = stderr.slice(0, peak.index);
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    messages: parseMessages(stdout),
    ...(peak ? { peakRssMb: Math.round(Number(peak[1]) / 1024) } : {}),
  };
}

export const CATALOG = (syncMode: 'incremental' | 'full_refresh' = 'incremental'): unknown => ({
  streams: [
    {
      stream: { name: 'audit_logs', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: syncMode,
      destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
      cursor_field: ['created_at'],
      primary_key: [['id']],
    },
  ],
});

/** Airbyte's per-stream state file around one stream state. */
export const stateFile = (streamState: unknown): unknown => [
  { type: 'STREAM', stream: { stream_descriptor: { name: 'audit_logs' }, stream_state: streamState } },
];

export interface ReadOptions extends Omit<RunOptions, 'files'> {
  /** The stream state to resume from (written as Airbyte's state file). */
  state?: unknown;
  debug?: boolean;
  syncMode?: 'incremental' | 'full_refresh';
}

/** `read` of the audit_logs stream with this config, from a stream state when given. */
export function runRead(config: unknown, options: ReadOptions = {}): Promise<RunResult> {
  const { state, debug, syncMode, ...rest } = options;
  const args = ['read', '--config', '{config}', '--catalog', '{catalog}'];
  if (state !== undefined) args.push('--state', '{state}');
  if (debug) args.push('--debug');
  return runConnector(args, {
    ...rest,
    files: { config, catalog: CATALOG(syncMode), ...(state !== undefined ? { state: stateFile(state) } : {}) },
  });
}

export const records = (result: RunResult): Array<{ id: string; created_at: string }> =>
  result.messages
    .filter((m) => m.type === 'RECORD')
    .map((m) => (m as unknown as { record: { data: { id: string; created_at: string } } }).record.data);

export const states = (result: RunResult): Array<{ created_at: string; ids_at_created_at: string[] }> =>
  result.messages
    .filter((m) => m.type === 'STATE')
    .map(
      (m) =>
        (m as unknown as { state: { stream: { stream_state: { created_at: string; ids_at_created_at: string[] } } } }).state.stream
          .stream_state,
    );

/** The stream state of the last STATE message printed, if any. */
export const lastState = (result: RunResult): ReturnType<typeof states>[number] | undefined => states(result).at(-1);

export const stateMessages = (result: RunResult): AirbyteMessageJson[] => result.messages.filter((m) => m.type === 'STATE');

export function errorTraces(result: RunResult): Array<{ message: string; failure_type: string }> {
  return result.messages
    .filter((m) => m.type === 'TRACE' && (m as unknown as { trace: { type: string } }).trace.type === 'ERROR')
    .map((m) => (m as unknown as { trace: { error: { message: string; failure_type: string } } }).trace.error);
}

export function streamStatuses(result: RunResult): string[] {
  return result.messages
    .filter((m) => m.type === 'TRACE' && (m as unknown as { trace: { type: string } }).trace.type === 'STREAM_STATUS')
    .map((m) => {
      const status = (m as unknown as { trace: { stream_status: { status: string; reasons?: Array<{ type: string }> } } }).trace
        .stream_status;
      return status.reasons?.length ? `${status.status}:${status.reasons.map((r) => r.type).join(',')}` : status.status;
    });
}

/** Models the destination as Airbyte does: only records followed by a STATE are committed. */
export function committedRecords(result: RunResult): Array<{ id: string; created_at: string }> {
  const committed: Array<{ id: string; created_at: string }> = [];
  let pending: Array<{ id: string; created_at: string }> = [];
  for (const message of result.messages) {
    if (message.type === 'RECORD')
      pending.push((message as unknown as { record: { data: { id: string; created_at: string } } }).record.data);
    if (message.type === 'STATE') {
      committed.push(...pending);
      pending = [];
    }
  }
  return committed;
}

/** The messages of the LOG lines, of one level or of all. */
export function logMessages(result: RunResult, level?: string): string[] {
  return result.messages
    .filter((m) => m.type === 'LOG')
    .map((m) => (m as unknown as { log: { level: string; message: string } }).log)
    .filter((log) => level === undefined || log.level === level)
    .map((log) => log.message);
}
