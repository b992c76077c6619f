import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConnectorError, asConnectorError, configError } from './errors.js';
import type { Logger } from './logger.js';
import { Emitter } from './protocol/emitter.js';
import { errorTrace } from './protocol/builders.js';

/**
 * The command line: spec | check | discover | read. Each command's module is loaded only when it
 * runs, so `spec` starts without the HTTP client, ajv or winston. Every failure ends here as one
 * ERROR trace on stdout and a non-zero exit code.
 */
export async function runCli(argv: string[], emitter: Emitter = new Emitter()): Promise<number> {
  let exitCode = 0;
  const guard = async (debug: boolean, action: (logger: Logger) => Promise<void>): Promise<void> => {
    try {
      const { createLogger } = await import('./logger.js');
      await action(createLogger(emitter, debug));
    } catch (error) {
      exitCode = 1;
      await reportFailure(emitter, error);
    }
  };

  const parser = yargs(hideBin(argv))
    .scriptName('source-rootly-audit-logs')
    .usage('$0 <command> [options]\n\nAn Airbyte source for Rootly audit logs. Every message goes to stdout as Airbyte protocol JSON.')
    .option('debug', { type: 'boolean', default: false, describe: 'Print DEBUG log messages' })
    .command('spec', 'Print the connector specification', {}, async () => {
      try {
        const { runSpec } = await import('./commands/spec.js');
        await runSpec(emitter);
      } catch (error) {
        exitCode = 1;
        await reportFailure(emitter, error);
      }
    })
    .command(
      'check',
      'Check that the config can read Rootly audit logs',
      (y) => y.option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' }),
      async (args) =>
        guard(args.debug, async (logger) => {
          const { runCheck } = await import('./commands/check.js');
          await runCheck(args.config, emitter, logger);
        }),
    )
    .command(
      'discover',
      'Print the catalog of streams',
      (y) => y.option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' }),
      async (args) =>
        guard(args.debug, async () => {
          const { runDiscover } = await import('./commands/discover.js');
          await runDiscover(args.config, emitter);
        }),
    )
    .command(
      'read',
      'Read audit logs as Airbyte RECORD and STATE messages',
      (y) =>
        y
          .option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' })
          .option('catalog', { type: 'string', demandOption: true, describe: 'Path to the configured catalog JSON' })
          .option('state', { type: 'string', describe: 'Path to the state JSON (an array of state messages)' }),
      async (args) =>
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
      throw error ?? configError(`Invalid command line: ${message} Run with --help for usage.`);
    });

  try {
    await parser.parseAsync();
  } catch (error) {
    exitCode = 1;
    await reportFailure(emitter, error);
  }
  await emitter.flush();
  return exitCode;
}

async function reportFailure(emitter: Emitter, error: unknown): Promise<void> {
  const failure: ConnectorError = asConnectorError(error);
  await emitter.emit(errorTrace(failure));
  await emitter.flush();
}
