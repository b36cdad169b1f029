import { parseArgs } from 'node:util';
import { emailField, passwordField } from './accounts/fields.js';
import { createResetLink, RESET_LINK_MINUTES } from './accounts/password-reset.js';
import { ConfigError, loadConfig, type Role } from './config.js';
import { openDatabase } from './db/database.js';
import { AlreadyRunningError } from './db/embedded.js';
import { migrateToLatest } from './db/migrate.js';
import { createAccountWithOwner, findUserByEmail } from './db/queries/accounts.js';
import { createLogger } from './logger.js';
import { hashPassword } from './security/passwords.js';
import { startService } from './service.js';

const USAGE = `Usage: leadtrail <command> [options]

Commands:
  start [--role all|api|worker]   run the service (default role: all)
  migrate                         apply database migrations and exit
  user create --email E --password P --account NAME
                                  create an account with its owner
  user reset-password --email E   print a one-time link (1 hour) to set a new password

Configuration comes from the environment; see the README.`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  try {
    switch (command) {
      case 'start':
        return await start(rest);
      case 'migrate':
        return await migrate(rest);
      case 'user':
        return await userCommand(rest);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError || err instanceof AlreadyRunningError) {
      console.error(err instanceof UsageError ? `leadtrail: ${err.message}\n\n${USAGE}` : err.message);
      return 1;
    }
    throw err;
  }
}

/** parseArgs, with its complaints turned into usage errors. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function start(args: string[]): Promise<number> {
  const { values } = usage(() => parseArgs({ args, options: { role: { type: 'string', default: 'all' } } }));
  const role = values.role;
  if (!['all', 'api', 'worker'].includes(role))
    throw new UsageError(`--role must be all, api or worker, not "${role}"`);
  const config = loadConfig();
  const logger = createLogger(config);
  const service = await startService(config, logger, role as Role);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'stopping: draining HTTP, then the database');
      service.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  logger.info('stopped');
  return 0;
}

async function migrate(args: string[]): Promise<number> {
  usage(() => parseArgs({ args, options: {} }));
  const config = loadConfig();
  const logger = createLogger(config);
  const database = await openDatabase(config, logger, { shareRunning: true });
  try {
    const applied = await migrateToLatest(database.db);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  } finally {
    await database.close();
  }
  return 0;
}

async function userCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'reset-password') return resetPasswordCommand(rest);
  if (sub !== 'create') throw new UsageError('the user command takes "create" or "reset-password"');
  const { values } = usage(() =>
    parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        account: { type: 'string' },
        name: { type: 'string' },
      },
    }),
  );
  const email = emailField.safeParse(values.email ?? '');
  const password = passwordField.safeParse(values.password ?? '');
  const accountName = String(values.account ?? '').trim();
  if (!email.success) throw new UsageError('--email must be an e-mail address');
  if (!password.success)
    throw new UsageError(`--password ${password.error.issues[0]?.message ?? 'is invalid'}`);
  if (!accountName) throw new UsageError('--account (the account name) is required');
  const config = loadConfig();
  const logger = createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const database = await openDatabase(config, logger, { shareRunning: true });
  try {
    await migrateToLatest(database.db);
    if (await findUserByEmail(database.db, email.data)) {
      console.error(`A user with e-mail ${email.data} already exists.`);
      return 1;
    }
    const created = await createAccountWithOwner(
      database.db,
      { name: accountName },
      { email: email.data, name: String(values.name ?? ''), passwordHash: await hashPassword(password.data) },
    );
    console.log(
      `Created account "${created.account.name}" (${created.account.id}) with owner ${created.user.email}.`,
    );
  } finally {
    await database.close();
  }
  return 0;
}

/** A way back into an account whose password is forgotten, for whoever runs the server. */
async function resetPasswordCommand(args: string[]): Promise<number> {
  const { values } = usage(() => parseArgs({ args, options: { email: { type: 'string' } } }));
  const email = emailField.safeParse(values.email ?? '');
  if (!email.success) throw new UsageError('--email must be an e-mail address');
  const config = loadConfig();
  const logger = createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const database = await openDatabase(config, logger, { shareRunning: true });
  try {
    await migrateToLatest(database.db);
    const user = await findUserByEmail(database.db, email.data);
    if (!user) {
      console.error(`No user with e-mail ${email.data}.`);
      return 1;
    }
    const url = await createResetLink(database.db, config.publicUrl, user.id);
    console.log(
      `Open this link to set a new password for ${user.email} (it works once, for ${RESET_LINK_MINUTES} minutes):\n${url}`,
    );
  } finally {
    await database.close();
  }
  return 0;
}
