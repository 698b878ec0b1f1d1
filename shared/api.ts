// The one contract between the window and whatever runs the engine (Electron main over IPC,
// or `imagewatch serve` over HTTP). Both sides type against these maps; the receiving side
// validates every argument with the schemas in ./api-schemas.ts.
import type { z } from 'zod/v3';
import type { ChannelInputSchema, CredentialInputSchema, RefreshRequestSchema, SettingsPatchSchema } from './schemas.js';
import type {
  ChannelTestResult,
  ChannelView,
  EngineHealth,
  EngineInUse,
  EngineView,
  EngineSetting,
  HistoryEntry,
  RecreateStrategy,
  RefreshResult,
  RuntimeConfig,
  RuntimeSummary,
  UnwatchedImage,
} from './dto.js';

export { summarize, type RuntimeSummary } from './dto.js';
import type { CoreEvent } from './events.js';

export type AppStatus = 'idle' | 'checking' | 'update-available' | 'refreshing' | 'error';

export interface RuntimeView {
  config: RuntimeConfig;
  state: RuntimeSummary;
  /** A refresh of this runtime is running now. */
  refreshing: boolean;
  /** Found from the containers (discovery mode), not configured: a label opts it out. */
  discovered?: boolean;
}

export interface SettingsView {
  autoRefresh: boolean;
  /** IMAGE_AUTO_REFRESH=true in the environment keeps auto-refresh on whatever the setting says. */
  autoRefreshForcedByEnv: boolean;
  intervalSeconds: number;
  recreate: RecreateStrategy;
  /** Discovery mode ("Watch my containers"). */
  discover: boolean | 'opt-in';
  /** Registries that have credentials stored; the secrets themselves never leave the engine side. */
  credentialRegistries: string[];
  /** Notification channels, masked: the window names them by id and never sees a secret. */
  channels: ChannelView[];
}

export interface AppState {
  status: AppStatus;
  checking: boolean;
  runtimes: RuntimeView[];
  settings: SettingsView;
  /** Problems found at start-up (a corrupt store that was backed up, a crash repaired). */
  warnings: string[];
  /** The container engine in use and why (absent only from an older imagewatch serve). */
  engine?: EngineInUse;
  /** Whether it answers (absent until first asked); when not, the other sockets found. */
  engineHealth?: EngineHealth;
  /** Every engine, the first one first (absent only from an older imagewatch serve). */
  engines?: EngineView[];
  /** In discovery mode: the containers' images not watched, and why. */
  unwatched?: UnwatchedImage[];
}

export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;
export type RefreshRequestOptions = z.infer<typeof RefreshRequestSchema>;

export type CredentialInput = z.infer<typeof CredentialInputSchema>;
export type ChannelInput = z.infer<typeof ChannelInputSchema>;

/** Renderer → engine: method name → [arguments, result]. */
export interface ApiMethods {
  getState: { args: []; result: AppState };
  checkNow: { args: []; result: AppState };
  refresh: { args: [target: string, options?: RefreshRequestOptions]; result: RefreshResult };
  setAutoRefresh: { args: [enabled: boolean]; result: AppState };
  updateSettings: { args: [patch: SettingsPatch]; result: AppState };
  addRuntime: { args: [runtime: RuntimeConfig]; result: AppState };
  removeRuntime: { args: [name: string]; result: AppState };
  getHistory: { args: [runtime: string]; result: HistoryEntry[] };
  setCredential: { args: [credential: CredentialInput]; result: AppState };
  removeCredential: { args: [registry: string]; result: AppState };
  /** Switches to one of the engine sockets `engineHealth.found` lists as answering, and keeps it as the dockerHost setting. */
  useEngine: { args: [host: string]; result: AppState };
  /** Adds an engine (a name and a host URL or docker context); it must answer before it is kept. */
  addEngine: { args: [engine: EngineSetting]; result: AppState };
  /** Removes an engine (never the last, nor one a runtime runs on alone); what was kept about it is forgotten. */
  removeEngine: { args: [name: string]; result: AppState };
  /** Adds a notification channel (kept with the system keychain on the desktop, in the config file headless). */
  addChannel: { args: [channel: ChannelInput]; result: AppState };
  removeChannel: { args: [id: string]; result: AppState };
  /** Sends a test message to one channel now and says what it answered. */
  testChannel: { args: [id: string]; result: ChannelTestResult };
}

export type ApiMethod = keyof ApiMethods;

export const API_METHODS: readonly ApiMethod[] = [
  'getState',
  'checkNow',
  'refresh',
  'setAutoRefresh',
  'updateSettings',
  'addRuntime',
  'removeRuntime',
  'getHistory',
  'setCredential',
  'removeCredential',
  'useEngine',
  'addEngine',
  'removeEngine',
  'addChannel',
  'removeChannel',
  'testChannel',
];
export type ApiArgs<M extends ApiMethod> = ApiMethods[M]['args'];
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result'];

/** Engine → renderer: every event the window can receive. */
export type ApiEvent = CoreEvent | { type: 'app-changed'; state: AppState };

/** The target name that means every runtime. */
export const ALL_RUNTIMES = 'all';

/** What the renderer holds: one promise-returning function per method, plus event subscription. */
export type ImagewatchApi = {
  [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResult<M>>;
} & {
  onEvent(listener: (event: ApiEvent) => void): () => void;
};

/** IPC channel names: one per method, plus the event channel. */
export const IPC_CHANNEL_PREFIX = 'imagewatch:';
export const IPC_EVENT_CHANNEL = 'imagewatch:event';
export const IPC_READY_CHANNEL = 'imagewatch:ready';
export const ipcChannel = (method: ApiMethod): string => `${IPC_CHANNEL_PREFIX}${method}`;

/** Errors crossing the boundary: a message meant for people, and a code for code. */
export interface ApiErrorBody {
  error: string;
  code: 'invalid-argument' | 'unknown-runtime' | 'unknown-engine' | 'unknown-method' | 'conflict' | 'internal';
}
