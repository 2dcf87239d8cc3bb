// An SMTP server that accepts every message and keeps only a count, run as a child process of the digest
// benchmark so that the sender does not share its thread with the server. It prints `port N` when it
// listens and answers `count` messages on its IPC channel with the number of messages accepted.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let accepted = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      accepted++;
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(server.server.address() as AddressInfo).port}\n`);
});
process.on('message', (m) => {
  if (m === 'count') process.send?.({ count: accepted });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
