// MQTT through the mqtt package: every event as JSON on `<prefix>/event`, and each runtime as
// a Home Assistant update entity (discovery config and state, retained), so Home Assistant
// shows "update available" per runtime; with several engines, one entity per runtime and
// engine (`<prefix>/<runtime>_<engine>/state`), since each engine is updated on its own. A connection per delivery: events are rare, and a
// broker that is down then costs nothing between them. Loaded only when such a channel is used.
import type { Channel } from './channels.js';
import { safeText } from '../util/safe-text.js';
import { messageFields, type NotifyMessage } from './message.js';

const TIMEOUT_MS = 10_000;

interface Versions {
  installed: string;
  latest: string;
  /** Home Assistant's "release notes" link, for the latest. */
  link?: string;
}

const short = (digest: string | undefined): string => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : 'unknown');

/** Topic-safe id for a runtime name (letters, digits, `_`). */
const entityId = (runtime: string): string => runtime.replace(/[^A-Za-z0-9_]/g, '_');

export function mqttChannel(url: URL, label: string, secrets: string[]): Channel {
  const prefix = url.pathname.replace(/^\/+|\/+$/g, '') || 'imagewatch';
  const discovery = url.searchParams.get('discovery') ?? 'homeassistant';
  const versions = new Map<string, Versions>();
  const broker = `${url.protocol}//${url.host}`;
  return {
    label,
    async send(message: NotifyMessage) {
      const { connectAsync } = await import('mqtt');
      let client: Awaited<ReturnType<typeof connectAsync>>;
      try {
        client = await connectAsync(broker, {
          ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
          ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
          connectTimeout: TIMEOUT_MS,
          reconnectPeriod: 0,
          clientId: `imagewatch-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
        });
      } catch (err) {
        // No `cause`: the client's error may hold the broker URL with its password.
        // eslint-disable-next-line preserve-caught-error
        throw new Error(`${label}: cannot connect: ${safeText((err as Error).message, { secrets, max: 200 })}`);
      }
      try {
        await client.publishAsync(
          `${prefix}/event`,
          JSON.stringify({ event: message.kind, title: message.title, message: message.body, ...messageFields(message) }),
          {
            qos: 1,
          },
        );
        const runtime = message.runtime;
        // The entities this message moves: the runtime's, or with several engines each engine's.
        const engines: Array<string | undefined> = message.engine ? [message.engine] : (message.engines ?? [undefined]);
        for (const engine of runtime && (message.kind === 'new-version' || message.kind === 'refreshed') ? engines : []) {
          const key = engine ? `${runtime!}@${engine}` : runtime!;
          const id = entityId(engine ? `${runtime!}_${engine}` : runtime!);
          const state = `${prefix}/${id}/state`;
          // Versions as people read them when the image says (its label, a version tag), else the short digest.
          const latest = message.version ?? short(message.digest);
          const known = versions.get(key) ?? { installed: message.previousVersion ?? 'unknown', latest: 'unknown' };
          const next: Versions =
            message.kind === 'refreshed'
              ? { installed: latest, latest, ...(known.link && known.latest === latest ? { link: known.link } : {}) }
              : { ...known, latest, ...(message.link ? { link: message.link } : {}) };
          versions.set(key, next);
          const config = {
            name: engine ? `${runtime!} on ${engine}` : runtime!,
            unique_id: `imagewatch_${id}`,
            object_id: `imagewatch_${id}`,
            state_topic: state,
            device_class: 'firmware',
            ...(message.image ? { release_summary: message.image } : {}),
            device: { identifiers: ['imagewatch'], name: 'imagewatch', manufacturer: 'imagewatch' },
          };
          await client.publishAsync(`${discovery}/update/imagewatch_${id}/config`, JSON.stringify(config), { qos: 1, retain: true });
          const payload = { installed_version: next.installed, latest_version: next.latest, ...(next.link ? { release_url: next.link } : {}) };
          await client.publishAsync(state, JSON.stringify(payload), { qos: 1, retain: true });
        }
        return 'published';
      } finally {
        await client.endAsync().catch(() => undefined);
      }
    },
  };
}
