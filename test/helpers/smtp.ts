import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  /** RCPT TO addresses of the envelope */
  to: string[];
  mail: ParsedMail;
}

export interface TestSmtp {
  /** smtp:// URL with the credentials the server accepts */
  url: string;
  received: Received[];
  /** resolves with the next message to `address` (one already received counts) */
  next(address: string, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server, by the nodemailer authors) on loopback, keeping what it receives. */
export async function startSmtp(auth = { user: 'leadtrail', pass: 'smtp-secret-пароль' }): Promise<TestSmtp> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: without a certificate the client would refuse STARTTLS.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(a, _session, done) {
      if (a.username === auth.user && a.password === auth.pass) return done(null, { user: a.username });
      return done(new Error('Invalid username or password'));
    },
    onData(stream, session, done) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          for (const w of waiters.splice(0)) w();
          done();
        },
        (err: Error) => done(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const taken = new Set<Received>();
  return {
    url: `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@127.0.0.1:${port}`,
    received,
    next(address, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no e-mail to ${address} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const look = () => {
          const found = received.find((r) => !taken.has(r) && r.to.includes(address));
          if (!found) return void waiters.push(look);
          taken.add(found);
          clearTimeout(timer);
          resolve(found);
        };
        look();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
