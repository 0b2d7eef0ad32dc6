/**
 * A development SMTP catcher for `npm start`: accepts every message on
 * SMTP_PORT (1025) and shows them at http://localhost:8025, newest first.
 * Messages live in memory (the last 500). If the port is taken, for example
 * by Mailpit from `docker compose up mailpit`, it says so and steps aside.
 *
 * In compose, Mailpit plays this part.
 */
import { createServer as createHttpServer } from 'node:http';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const SMTP_PORT = 1025;
const HTTP_PORT = 8025;
const KEEP = 500;

interface CaughtMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
  messageId: string;
  text: string;
  html: string;
}

const mails: CaughtMail[] = [];
let nextId = 1;
const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).map((address) => address.text).join(', ');

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((mail) => {
        mails.unshift({
          id: nextId++,
          receivedAt: new Date().toISOString(),
          from: addresses(mail.from),
          to: addresses(mail.to),
          subject: mail.subject ?? '',
          messageId: mail.messageId ?? '',
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : '',
        });
        mails.length = Math.min(mails.length, KEEP);
        console.log(`caught "${mail.subject}" for ${addresses(mail.to)}`);
        callback();
      })
      .catch(callback);
  },
});

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);

const web = createHttpServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/api/messages') {
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify(mails));
  }
  const match = /^\/messages\/(\d+)$/.exec(url.pathname);
  if (match) {
    const mail = mails.find((candidate) => candidate.id === Number(match[1]));
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (!mail) return res.writeHead(404).end('No such message');
    return res.end(mail.html || `<pre>${escapeHtml(mail.text)}</pre>`);
  }
  const rows = mails
    .map(
      (mail) =>
        `<tr><td>${escapeHtml(mail.receivedAt)}</td><td>${escapeHtml(mail.to)}</td><td><a href="/messages/${mail.id}">${escapeHtml(mail.subject)}</a></td></tr>`,
    )
    .join('');
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(
    `<!doctype html><title>Caught mail</title><h1>Caught mail (${mails.length})</h1><table><tr><th>received</th><th>to</th><th>subject</th></tr>${rows}</table>`,
  );
});

smtp.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') {
    console.log(`port ${SMTP_PORT} is taken (Mailpit?); using that SMTP server instead`);
    process.exit(0);
  }
  console.error(error);
});

smtp.listen(SMTP_PORT, '127.0.0.1', () => {
  web.listen(HTTP_PORT, '127.0.0.1', () =>
    console.log(`SMTP on 127.0.0.1:${SMTP_PORT}; read the mail at http://localhost:${HTTP_PORT}`),
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    web.close();
    smtp.close(() => process.exit(0));
  });
}
