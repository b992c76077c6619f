import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { asConnectorError, configError } from './errors.js';
import type { Logger } from './logger.js';
import { errorTrace } from './protocol/builders.js';
import { Emitter } from './protocol/emitter.js';

const USAGE = '$0 <command> [options]\n\nAn Airbyte source for Rootly audit logs. Every message goes to stdout as Airbyte protocol JSON.';

/** Runs one command; a failure becomes the exit code 1 after its ERROR trace is printed. */
type Guard = (debug: boolean, action: (logger: Logger) => Promise<void>) => Promise<void>;

/**
 * The command line: spec | check | discover | read. Each command's module is loaded only when it
 * runs, so `spec` starts without the HTTP client, ajv or winston. Every failure ends here as one
 * ERROR trace on stdout and a non-zero exit code.
 */
export async function runCli(argv: string[], emitter: Emitter = new Emitter()): Promise<number> {
  let exitCode = 0;
  const fail = async (error: unknown): Promise<void> => {
    exitCode = 1;
    await emitter.emit(errorTrace(asConnectorError(error)));
    await emitter.flush();
  };
  const guard: Guard = async (debug, action) => {
    try {
      const { createLogger } = await import('./logger.js');
      await action(createLogger(emitter, debug));
    } catch (error) {
      await fail(error);
    }
  };
  try {
    await withCommands(yargs(hideBin(argv)), emitter, guard, fail).parseAsync();
  } catch (error) {
    await fail(error);
  }
  await emitter.flush();
  return exitCode;
}

const configOption = { type: 'string', demandOption: true, describe: 'Path to the config JSON' } as const;

function withCommands(parser: Argv, emitter: Emitter, guard: Guard, fail: (error: unknown) => Promise<void>): Argv {
  return parser
    .scriptName('source-rootly-audit-logs')
    .usage(USAGE)
    .option('debug', { type: 'boolean', default: false, describe: 'Print DEBUG log messages' })
    .command('spec', 'Print the connector specification', {}, async () => {
      // No logger: spec starts with as little as it can.
      await import('./commands/spec.js').then(({ runSpec }) => runSpec(emitter)).catch(fail);
    })
    .command(
      'check',
      'Check that the config can read Rootly audit logs',
      (y) => y.option('config', configOption),
      (args) => guard(args.debug, async (logger) => (await import('./commands/check.js')).runCheck(args.config, emitter, logger)),
    )
    .command(
      'discover',
      'Print the catalog of streams',
      (y) => y.option('config', configOption),
      (args) => guard(args.debug, async () => (await import('./commands/discover.js')).runDiscover(args.config, emitter)),
    )
    .command(
      'read',
      'Read audit logs as Airbyte RECORD and STATE messages',
      (y) =>
        y
          .option('config', configOption)
          .option('catalog', { type: 'string', demandOption: true, describe: 'Path to the configured catalog JSON' })
          .option('state', { type: 'string', describe: 'Path to the state JSON (an array of state messages)' }),
      (args) =>
        guard(args.debug, async (logger) => {
          const { runRead } = await import('./commands/read.js');
          await runRead({ config: args.config, catalog: args.catalog, ...(args.state ? { state: args.state } : {}) }, emitter, logger);
        }),
    )
    .demandCommand(1, 'Name a command: spec, check, discover or read.')
    .strict()
    .help()
    .version(false)
    .fail((message, error) => {
      // yargs passes no error for a usage mistake, whatever its types say.
      throw (error as Error | undefined) ?? configError(`Invalid command line: ${message} Run with --help for usage.`);
    });
}
