// `folio users create --email E [--admin | --role R] [--username U]`: makes an account from the command
// line (the first admin, typically). The password is read from standard input (one line), so that it
// never shows in the shell's history or the process list:
//   printf '%s\n' "$PASSWORD" | folio users create --email me@example.org --admin
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import { signUp } from '../actions/accounts.ts';
import { ActionError } from '../actions/errors.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openStore } from '../db/connection.ts';
import { normaliseEmail, USERNAME_RE, usernameProblem } from '../domain/accounts.ts';
import { isRole, ROLES, type Role } from '../domain/roles.ts';

/** Reads one line from standard input (a prompt on stderr when it is a terminal). */
export async function readLine(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line.replace(/\r$/, '');
    return '';
  } finally {
    rl.close();
  }
}

/** A username from the email's local part: `ada.lovelace@x` -> `ada-lovelace`. */
export function usernameFromEmail(email: string): string {
  const local = (email.split('@')[0] ?? '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  return local.slice(0, 39);
}

export function registerUsersCommand(cli: Command): void {
  const users = cli.command('users').description('manage member accounts');
  users
    .command('create')
    .description('create an account (the password is read from standard input, one line)')
    .requiredOption('--email <email>', 'email address (counts as confirmed)')
    .option('--username <username>', 'username (default: from the email address)')
    .option('--fullname <name>', 'display name')
    .option('--admin', 'make the account an admin (same as --role admin)')
    .addOption(new Option('--role <role>', 'role of the account').choices(ROLES as unknown as string[]))
    .action(async (opts: { email: string; username?: string; fullname?: string; admin?: boolean; role?: string }) => {
      const config = loadConfig();
      const role: Role = opts.admin ? 'admin' : isRole(opts.role) ? opts.role : 'member';
      const username = opts.username ?? usernameFromEmail(normaliseEmail(opts.email));
      if (!USERNAME_RE.test(username)) throw new ConfigError(`cannot make a username from "${opts.email}"; give one with --username`);
      // Before the password prompt: a name taken from the address (admin@, info@) may be reserved.
      const problem = usernameProblem(username);
      if (problem)
        throw new ConfigError(
          opts.username ? problem : `${problem.replace(/\.$/, '')} (made from the email address); give another with --username NAME`,
        );
      const password = await readLine('Password: ');
      const store = await openStore(config.dataDir, config.databaseUrl);
      try {
        const { userId } = await signUp({
          // The operator may know who has an account: a taken address is said, and nobody is mailed.
          whenEmailTaken: 'refuse',
          db: store.db,
          username,
          email: opts.email,
          password,
          ...(opts.fullname ? { fullname: opts.fullname } : {}),
          mail: { siteName: config.siteName, baseUrl: config.baseUrl },
          role,
          confirmed: true,
        });
        process.stdout.write(`created ${role} @${username} (${normaliseEmail(opts.email)}), id ${userId}\n`);
      } catch (e) {
        if (e instanceof ActionError) throw new ConfigError(e.message);
        throw e;
      } finally {
        await store.close();
      }
    });
}
