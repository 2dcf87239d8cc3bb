// `folio doctor`: checks a deployment the way an operator would before (or after) starting Folio, changing
// nothing: Node.js, settings, store, migrations, pgvector, SMTP, data folder, disk space, base URL. Prints
// one line per check and what to fix; exits 1 when something must be fixed.
import { existsSync, mkdtempSync, rmdirSync, statfsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { describeStore } from '../db/describe-store.ts';
import { probeStore } from '../db/probe.ts';
import { smtpWhere, verifySmtp } from '../email/verify-smtp.ts';
import { VERSION } from '../version.ts';
import { baseUrlCheck, type Check, diskCheck, exitCodeOf, formatReport, nodeCheck } from './doctor-rules.ts';
import { describeFailure } from './failure.ts';

const failed = (name: string, e: unknown, store: string): Check => {
  const f = describeFailure(e, { store });
  // The hint may point to this very command; here it would go round in a circle.
  const fix = f.hint?.replace(/[;,]? `folio doctor` checks the deployment$/, '');
  return { name, status: 'fail', detail: f.message, ...(fix ? { fix } : {}) };
};

async function storeChecks(config: Config, store: string): Promise<Check[]> {
  let probe: Awaited<ReturnType<typeof probeStore>>;
  try {
    probe = await probeStore(config.dataDir, config.databaseUrl);
  } catch (e) {
    return [failed('store', e, store)];
  }
  const checks: Check[] = [];
  if (probe.absent) {
    checks.push({ name: 'store', status: 'ok', detail: `${store}: no database yet; the first \`folio serve\` creates it` });
  } else {
    const held = probe.summary ? ` (${probe.summary.papers} papers, ${probe.summary.days} daily lists)` : '';
    checks.push({ name: 'store', status: 'ok', detail: `${store} answers${held}` });
    if (probe.unknown.length) {
      checks.push({
        name: 'migrations',
        status: 'fail',
        detail: `the store was migrated by a newer Folio (${probe.unknown.join(', ')})`,
        fix: `run that newer version, or restore a backup made before it (this is Folio ${VERSION})`,
      });
    } else if (probe.pending.length) {
      checks.push({
        name: 'migrations',
        status: 'warn',
        detail: `${probe.pending.length} pending: ${probe.pending.join(', ')}`,
        fix: 'make a backup (`folio backup FILE`); the next `folio serve` or command applies them, each in its own transaction',
      });
    } else checks.push({ name: 'migrations', status: 'ok', detail: 'current' });
  }
  if (probe.dialect === 'sqlite') {
    checks.push({ name: 'pgvector', status: 'ok', detail: 'not needed on SQLite (meaning search keeps its own index file)' });
  } else if (probe.pgvector?.installed) {
    checks.push({ name: 'pgvector', status: 'ok', detail: `version ${probe.pgvector.installed} installed` });
  } else if (probe.pgvector?.available) {
    checks.push({
      name: 'pgvector',
      status: 'warn',
      detail: `version ${probe.pgvector.available} available, not installed in this database yet`,
      fix: 'the first start runs CREATE EXTENSION vector: the role in DATABASE_URL must be allowed to (or run it as a superuser)',
    });
  } else {
    checks.push({
      name: 'pgvector',
      status: 'fail',
      detail: 'this PostgreSQL does not offer the pgvector extension, which meaning search needs',
      fix: 'install it (Debian: apt-get install postgresql-15-pgvector, or scripts/build-pgvector.sh)',
    });
  }
  return checks;
}

async function smtpCheck(config: Config, timeoutMs?: number): Promise<Check> {
  if (!config.smtpUrl) {
    return {
      name: 'SMTP',
      status: 'warn',
      detail: 'FOLIO_SMTP_URL is not set: mails (confirmations, resets, digests) stay in the outbox folder',
      fix: 'set FOLIO_SMTP_URL=smtp://user:pass@host:587 so members receive them',
    };
  }
  const where = smtpWhere(config.smtpUrl);
  try {
    await verifySmtp(config.smtpUrl, timeoutMs);
    return { name: 'SMTP', status: 'ok', detail: `${where} answers and accepts the login` };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return {
      name: 'SMTP',
      status: 'fail',
      detail: `${where}: ${(e as Error).message}${code && !(e as Error).message.includes(code) ? ` (${code})` : ''}`,
      fix:
        code === 'EAUTH' ? 'check the user and password in FOLIO_SMTP_URL' : 'is the mail server running, and does FOLIO_SMTP_URL name it?',
    };
  }
}

/** The path itself when it exists, else its nearest ancestor that does. */
function nearestExisting(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

/** The data folder (or, before the first start, the folder it will be created in) must take a file. */
function dataFolderCheck(dataDir: string): Check {
  if (!existsSync(dataDir)) {
    const parent = nearestExisting(dataDir);
    try {
      if (!statSync(parent).isDirectory()) throw new Error(`${parent} is a file`);
      // Making a folder there is the only true test: permission bits say nothing to root, or of /proc.
      rmdirSync(mkdtempSync(join(parent, '.folio-doctor-')));
      return { name: 'data folder', status: 'ok', detail: `${dataDir} does not exist yet; the first start creates it` };
    } catch {
      return {
        name: 'data folder',
        status: 'fail',
        detail: `${dataDir} does not exist and cannot be created in ${parent}`,
        fix: 'create FOLIO_DATA_DIR and give it to the user Folio runs as',
      };
    }
  }
  const probe = join(dataDir, `.doctor-${process.pid}`);
  try {
    writeFileSync(probe, 'ok');
    unlinkSync(probe);
    return { name: 'data folder', status: 'ok', detail: `${dataDir} is writable` };
  } catch (e) {
    return {
      name: 'data folder',
      status: 'fail',
      detail: `${dataDir} is not writable (${(e as { code?: string }).code ?? (e as Error).message})`,
      fix: 'FOLIO_DATA_DIR must be a folder the user Folio runs as can write',
    };
  }
}

function freeSpaceCheck(dataDir: string): Check {
  const at = nearestExisting(dataDir);
  try {
    const s = statfsSync(at);
    return diskCheck(s.bavail * s.bsize, at);
  } catch (e) {
    return { name: 'disk space', status: 'warn', detail: `cannot tell (${(e as Error).message})` };
  }
}

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  today?: string;
  smtpTimeoutMs?: number;
}

/** Every check, in the order an operator fixes things. */
export async function runDoctor(opts: DoctorOptions = {}): Promise<Check[]> {
  const env = opts.env ?? process.env;
  const checks: Check[] = [nodeCheck(process.version, opts.today ?? new Date().toISOString().slice(0, 10))];
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const problems = e.message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    for (const p of problems)
      checks.push({ name: 'settings', status: 'fail', detail: p, fix: '`folio config-doc` lists every setting and its form' });
    return checks;
  }
  checks.push({ name: 'settings', status: 'ok', detail: 'every setting is valid' });
  checks.push(...(await storeChecks(config, describeStore(config.databaseUrl, config.dataDir))));
  checks.push(await smtpCheck(config, opts.smtpTimeoutMs));
  checks.push(dataFolderCheck(config.dataDir));
  checks.push(freeSpaceCheck(config.dataDir));
  checks.push(baseUrlCheck(env.FOLIO_BASE_URL || undefined, config.baseUrl));
  return checks;
}

export function registerDoctorCommand(cli: Command): void {
  cli
    .command('doctor')
    .description(
      'check this deployment (Node.js, settings, store, migrations, pgvector, SMTP, data folder, disk, base URL) and say what to fix',
    )
    .action(async () => {
      const checks = await runDoctor();
      process.stdout.write(formatReport(`Folio ${VERSION}: checking this deployment`, checks));
      process.exitCode = exitCodeOf(checks);
    });
}
