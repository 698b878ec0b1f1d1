// Email through nodemailer, loaded only when such a channel exists. STARTTLS is required on
// the submission port (587) unless the URL says otherwise; `mailtos://` is TLS from the start
// (465). Certificates are always verified (a private CA goes in NODE_EXTRA_CA_CERTS).
import type { Channel } from './channels.js';
import type { NotifyMessage } from './message.js';
import { safeText } from '../util/safe-text.js';

const TIMEOUT_MS = 10_000;

export interface EmailTarget {
  host: string;
  port: number;
  /** TLS from the first byte (465). */
  secure: boolean;
  /** No STARTTLS (only with ?encryption=none, for a relay on the same machine). */
  plain: boolean;
  user?: string;
  password?: string;
  from: string;
  to: string[];
}

export function emailChannel(target: EmailTarget, label: string): Channel {
  return {
    label,
    async send(message: NotifyMessage) {
      const { default: nodemailer } = await import('nodemailer');
      const transport = nodemailer.createTransport({
        host: target.host,
        port: target.port,
        secure: target.secure,
        requireTLS: !target.secure && !target.plain,
        ignoreTLS: target.plain,
        ...(target.user ? { auth: { user: target.user, pass: target.password ?? '' } } : {}),
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: TIMEOUT_MS,
      });
      try {
        const info = await transport.sendMail({
          from: target.from,
          to: target.to,
          subject: message.title,
          text: `${message.body}\n\n— imagewatch, ${message.at}`,
        });
        return `SMTP ${safeText(String(info.response), { secrets: [target.password ?? ''], max: 80 })}`;
      } catch (err) {
        // No `cause`: the transport's error may quote the login.
        // eslint-disable-next-line preserve-caught-error
        throw new Error(`${label}: ${safeText((err as Error).message, { secrets: [target.password ?? ''], max: 200 })}`);
      } finally {
        transport.close();
      }
    },
  };
}
