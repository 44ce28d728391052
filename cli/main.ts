/**
 * `watchdog`: the operator's command line over control's REST API. Commander (the most used
 * argument library for Node: subcommands, help and errors for free, no dependencies of its own)
 * parses; commands.ts asks control and prints. Exit codes for scripts: 0 ok, 2 refused,
 * 3 unreachable, 4 partial or unconfirmed.
 */
import { Command, CommanderError, Option } from 'commander';
import { connection, CliError, EXIT } from './client.js';
import * as run from './commands.js';
import * as events from './events.js';
import * as hostsCli from './hosts.js';
import * as silences from './silences.js';
import { painter } from './table.js';

// A reader that stops early (watchdog status | head) is no error: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('watchdog')
  .description('The container watchdog from the command line (CONTROL_URL, API_TOKEN; see docs/cli.md)')
  .option('--json', 'print JSON instead of tables')
  .showHelpAfterError()
  .exitOverride();

const io = (): run.Io => ({
  out: (text) => process.stdout.write(`${text}\n`),
  paint: painter(process.stdout.isTTY === true),
  json: program.opts<{ json?: boolean }>().json === true,
  now: Date.now,
  ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
});

/** Runs a command and exits with its code; a CliError says what to do on stderr. */
const act =
  <A extends unknown[]>(command: (...args: A) => Promise<number>) =>
  async (...args: A): Promise<void> => {
    try {
      process.exitCode = await command(...args);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      process.stderr.write(`watchdog: ${error.message}\n`);
      process.exitCode = error.code;
    }
  };

program
  .command('status')
  .description('hosts (live or silent) and their containers: loss, RTT, CPU, memory, restarts, last heal')
  .option('--host <host>', 'only this host')
  .option('--watch [seconds]', 'again every few seconds (default 2) until stopped')
  .action(
    act(async (o: { host?: string; watch?: string | boolean }) => {
      const c = connection();
      if (o.watch === undefined) return run.status(c, io(), o.host);
      const every = o.watch === true ? 2 : Number(o.watch);
      if (!(every > 0)) throw new CliError(`--watch: must be a number of seconds (got "${String(o.watch)}")`, EXIT.refused);
      for (;;) {
        const lines: string[] = [];
        const code = await run.status(c, { ...io(), out: (t) => lines.push(t) }, o.host);
        process.stdout.write(`${process.stdout.isTTY ? '\x1b[2J\x1b[H' : ''}${lines.join('\n')}\n`);
        if (code === EXIT.unreachable) return code;
        await new Promise((resolve) => setTimeout(resolve, every * 1000));
      }
    }),
  );

program
  .command('events')
  .description('the latest events, oldest first; --follow for new ones as they come')
  .option('--host <host>')
  .option('--container <name>')
  .option('--type <types>', 'fault, heal, verdict, command, host, ... (comma-separated)')
  .option('--limit <n>', 'how many (default 20)')
  .option('--follow', 'keep printing new events until stopped')
  .action(
    act(async (o: events.EventOptions & { follow?: boolean }) => {
      const { follow, ...filter } = o;
      if (!follow) return events.latest(connection(), io(), filter);
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      return events.follow(connection(), io(), filter, stop.signal);
    }),
  );

program
  .command('threshold')
  .description('the loss threshold of every live host')
  .command('set <percent>')
  .description('set it (0-100); exit 4 when a host did not confirm yet')
  .action(act((value: string) => run.setThreshold(connection(), io(), value)));

program
  .command('monitor <host> <container>')
  .description('monitor a container (confirmed by its agent)')
  .action(act((host: string, name: string) => run.monitor(connection(), io(), host, name, true)));
program
  .command('unmonitor <host> <container>')
  .description('stop monitoring a container')
  .action(act((host: string, name: string) => run.monitor(connection(), io(), host, name, false)));

const policy = program.command('policy').description("a container's policy: each value and where it comes from");
policy.command('get <host> <container>').action(act((host: string, name: string) => run.policyGet(connection(), io(), host, name)));
policy
  .command('set <host> <container>')
  .description('set the given fields through the API (the others keep their source)')
  .option('--threshold <percent>')
  .option('--stop-timeout <seconds>')
  .option('--restart-limit <n>')
  .addOption(new Option('--action <action>').choices(['restart', 'notify', 'none']))
  .addOption(new Option('--on-exhausted <what>', 'when its restart budget is spent').choices(['backoff', 'stop', 'notify']))
  .option('--probe <probe>', 'a service probe: http://:<port>/<path>, tcp://:<port>, exec:<command> (its defaults), or icmp for none')
  .action(
    act(
      async (
        host: string,
        name: string,
        o: { threshold?: string; stopTimeout?: string; restartLimit?: string; action?: string; onExhausted?: string; probe?: string },
      ) => {
        const numberOf = (flag: string, value: string | undefined): Record<string, number> => {
          if (value === undefined) return {};
          const n = Number(value);
          if (value.trim() === '' || !Number.isFinite(n)) throw new CliError(`${flag}: must be a number (got "${value}")`, EXIT.refused);
          return { [flagField[flag] ?? flag]: n };
        };
        const body = {
          ...numberOf('--threshold', o.threshold),
          ...numberOf('--stop-timeout', o.stopTimeout),
          ...numberOf('--restart-limit', o.restartLimit),
          ...(o.action ? { action: o.action } : {}),
          ...(o.onExhausted ? { onExhausted: o.onExhausted } : {}),
          ...(o.probe ? { probe: { probe: o.probe } } : {}),
        };
        if (Object.keys(body).length === 0)
          throw new CliError(
            'policy set: give at least one of --threshold, --stop-timeout, --restart-limit, --action, --on-exhausted, --probe (policy clear removes them all)',
            EXIT.refused,
          );
        return run.policySet(connection(), io(), host, name, body);
      },
    ),
  );
policy
  .command('clear <host> <container>')
  .description("remove the API's policy: labels and the host's defaults apply again")
  .action(act((host: string, name: string) => run.policySet(connection(), io(), host, name, {})));

const flagField: Record<string, string> = {
  '--threshold': 'threshold',
  '--stop-timeout': 'stopTimeoutSec',
  '--restart-limit': 'restartLimit',
};

program
  .command('dry-run <on|off>')
  .description('observe only (decide and tell, touch nothing), or heal again')
  .option('--host <host>', 'only this host')
  .action(
    act(async (mode: string, o: { host?: string }) => {
      if (mode !== 'on' && mode !== 'off') throw new CliError(`dry-run: say on or off (got "${mode}")`, EXIT.refused);
      return run.dryRun(connection(), io(), mode === 'on', o.host);
    }),
  );

const silence = program.command('silence').description('maintenance windows: leave matching containers alone until a time');
silence
  .command('add <containers>')
  .description('hold heals (and notifications) of the containers matching the pattern (* any run, ? one character) until --until')
  .requiredOption('--until <when>', 'a duration from now (45m, 2h, 1d) or an RFC 3339 time')
  .requiredOption('--reason <text>', 'why, for the people who see it')
  .option('--host <host...>', 'only these hosts (default: every host)')
  .option('--heal', 'let heals go on: hold only the notifications')
  .option('--notify', 'send notifications as usual')
  .action(act((containers: string, o: silences.SilenceOptions) => silences.add(connection(), io(), containers, o)));
silence
  .command('list')
  .description('the silences in force, soonest to end first')
  .action(act(() => silences.list(connection(), io())));
silence
  .command('remove <id>')
  .description('end a silence now: held heals are done at the next check')
  .action(act((id: string) => silences.remove(connection(), io(), id)));

program
  .command('scorecard')
  .description('faults matched to heals: healed, tolerated, overtaken, never healed, time to heal')
  .option('--since <time>', 'an RFC 3339 time such as 2026-12-07T10:00:00Z (default: an hour ago)')
  .option('--host <host>')
  .action(act((o: { since?: string; host?: string }) => run.scorecard(connection(), io(), o)));

const hosts = program
  .command('hosts')
  .description('the hosts control knows, live or silent; add or remove one')
  .action(act(() => run.hosts(connection(), io())));
hosts
  .command('add <hostname>')
  .description('enrol a Docker host: its own broker user (least privilege), and the env file its agent needs')
  .option('--broker <host:port>', 'where the new host reaches the broker (default BROKER_ADDRESS, else this machine:5673)')
  .option('--tls', 'amqps:// (the env file names the CA file to put beside docker-compose.agent.yml)')
  .option('--out <dir>', 'write <hostname>.env there (mode 600) instead of printing it')
  .action(act((hostname: string, o: hostsCli.AddOptions) => hostsCli.add(connection(), io(), hostname, o)));
hosts
  .command('remove <hostname>')
  .description('take a host away: its broker user (its agent is disconnected) and its queues')
  .action(act((hostname: string) => hostsCli.remove(connection(), io(), hostname)));

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : EXIT.refused;
  else if (error instanceof CliError) {
    process.stderr.write(`watchdog: ${error.message}\n`);
    process.exitCode = error.code;
  } else throw error;
}
