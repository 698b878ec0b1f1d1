// The shapes of what imagewatch keeps and is given, as zod schemas: the settings (with their
// defaults), the state file, and the pieces the contract's argument tuples are built from
// (those tuples live in api-schemas.ts). dto.ts and api.ts derive their types from here.
// Strict objects, so a misspelt key is an error that names it, not a silently ignored setting.
import { z } from 'zod/v3';

export const RecreateStrategySchema = z.enum(['replace', 'remove', 'none']);

export const RuntimeNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'runtime names are 1-63 letters, digits, ".", "_" or "-"')
  // The window's API and the admin endpoint give "all" different meanings; no runtime may take it.
  .refine((name) => name.toLowerCase() !== 'all', '"all" is reserved (it means every runtime)');

/** Engine names go into metric labels and MQTT topics: lowercase letters, digits, "-" and "_", at most 32. */
export const ENGINE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const EngineNameSchema = z.string().regex(ENGINE_NAME, 'engine names are 1-32 lowercase letters, digits, "-" or "_", starting with a letter or digit');

/** One engine in the settings: a name and where it is, as a host URL or a docker context's name. */
export const EngineSettingSchema = z
  .object({
    name: EngineNameSchema,
    /** unix://, npipe://, tcp:// (TLS from DOCKER_CERT_PATH, or port 2376), https:// or ssh:// */
    host: z.string().min(1).max(4096).optional(),
    /** A docker context (`docker context ls`), read as the docker CLI reads it. */
    context: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((e) => (e.host === undefined) !== (e.context === undefined), 'give an engine either "host" or "context", not both and not neither');

export const RuntimeMatchSchema = z
  .object({
    /** Only containers whose name starts with this prefix (the origin's `ws-`). */
    namePrefix: z.string().min(1).optional(),
    /** Only containers carrying this label: `key` (any value) or `key=value`. */
    label: z.string().min(1).optional(),
  })
  .strict();

/** How far a newer version tag may be: the same major and minor (`patch`), the same major (`minor`), any (`major`); false: not looked for. */
export const NewerTagsSchema = z.union([z.enum(['patch', 'minor', 'major']), z.literal(false)]);

/** A regex setting: compiled when read, so a bad one is a config error naming it, not a failure at the next listing. */
const RegexSchema = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (source) => {
      try {
        new RegExp(source);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

/** Which tags count when looking for newer ones (What's Up Docker's wud.tag.* in settings form). */
export const TagFiltersSchema = z
  .object({
    /** Only tags this regex matches. */
    include: RegexSchema.optional(),
    /** Never tags this regex matches. */
    exclude: RegexSchema.optional(),
    /** `regex => replacement`: each tag is rewritten so before it is compared (the real tag is the one announced). */
    transform: z
      .string()
      .max(600)
      .refine((text) => {
        const at = text.indexOf('=>');
        if (at < 0) return false;
        try {
          new RegExp(text.slice(0, at).trim());
          return true;
        } catch {
          return false;
        }
      }, 'must be "regex => replacement" with a valid regular expression')
      .optional(),
    /** Count pre-releases (rc, beta…); off unless asked. */
    prerelease: z.boolean().optional(),
  })
  .strict();

/**
 * When automatic refreshes may happen: "HH:MM-HH:MM" in local time, or a 5-field cron expression
 * and a duration ("0 2 * * 6 3h"). Read (and refused with the reason) when the settings load.
 */
export const UpdateWindowSchema = z.string().min(1).max(200);
export const KeepPreviousSchema = z.number().int().min(0).max(10);
export const MinAgeSchema = z
  .number()
  .int()
  .min(0)
  .max(30 * 24 * 60);

/** A release link template: an http(s) URL, with `${version}`-style names filled in when shown. */
export const LinkTemplateSchema = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/\S+$/i, 'an http(s) URL such as https://github.com/owner/repo/releases/tag/v${version}');

export const RuntimeConfigSchema = z
  .object({
    name: RuntimeNameSchema,
    image: z.string().min(1),
    match: RuntimeMatchSchema.optional(),
    recreate: RecreateStrategySchema.optional(),
    /**
     * Replace with no downtime where a container allows it: the new one starts beside the old one
     * on its user networks, under the same name. Containers with volumes need their own label.
     */
    overlap: z.boolean().optional(),
    /**
     * Start the new container, cut off from every network, before the old one stops (on unless
     * false). Used only where two copies share nothing writable; see docs/behaviour.md.
     */
    warmStart: z.boolean().optional(),
    /** Only these engines (by name); every engine when absent. */
    engines: z.array(EngineNameSchema).min(1).max(64).optional(),
    /**
     * The release notes of a version: `https://…/${version}` (also `${revision}`, `${major}`,
     * `${minor}`, `${patch}`); built from the image's source label when absent.
     */
    link: LinkTemplateSchema.optional(),
    /** Look for newer version tags of the same shape, up to this level (overrides the global setting). */
    newerTags: NewerTagsSchema.optional(),
    /** Which tags count when looking for newer ones. */
    tags: TagFiltersSchema.optional(),
    /** When automatic refreshes may happen (overrides the global window); see UpdateWindowSchema. */
    window: UpdateWindowSchema.optional(),
    /** A new digest must have stood this long before an automatic refresh applies it (overrides the global). */
    minAgeMinutes: MinAgeSchema.optional(),
    /** Remove the images this runtime's containers were moved off once unused (overrides the global). */
    cleanup: z.boolean().optional(),
    /** How many of those stay for a rollback (overrides the global). */
    keepPrevious: KeepPreviousSchema.optional(),
  })
  .strict();

export const CredentialSettingSchema = z.union([
  z.object({ username: z.string(), password: z.string() }).strict(),
  z.object({ identityToken: z.string().min(1) }).strict(),
]);

/** What notification channels can be told; a channel may filter on these. */
export const NOTIFY_KINDS = ['new-version', 'new-tag', 'refreshed', 'refresh-failed', 'recovered', 'engine-unreachable', 'engine-back', 'test'] as const;

/** A channel with filters: its URL (shoutrrr or Apprise syntax), and what it is told. */
export const ChannelInputSchema = z
  .object({
    url: z.string().min(1).max(4096),
    /** Only these kinds of event; all when absent. */
    events: z.array(z.enum(NOTIFY_KINDS)).max(NOTIFY_KINDS.length).optional(),
    /** Only events of these runtimes (events about no runtime always pass); all when absent. */
    runtimes: z.array(z.string().min(1).max(255)).max(500).optional(),
  })
  .strict();

/** A channel in the settings: its URL alone, or the URL with filters. */
export const NotifyChannelSchema = z.union([z.string().min(1), ChannelInputSchema]);

/** The id the window names a channel by (it never sees the URL, whose parts are secrets). */
export const ChannelIdSchema = z.string().regex(/^[a-z]+-[A-Za-z0-9_-]{1,64}$/, 'a channel id as the state lists it');

export const SettingsSchema = z
  .object({
    runtimes: z
      .array(RuntimeConfigSchema)
      .optional()
      // `--runtime a` must never be a trap between `a` and `A`.
      .refine((list) => !list || new Set(list.map((r) => r.name.toLowerCase())).size === list.length, 'runtime names must be unique, letter case aside'),
    intervalSeconds: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 3600)
      .optional(),
    autoRefresh: z.boolean().optional(),
    recreate: RecreateStrategySchema.optional(),
    dockerHost: z.string().min(1).optional(),
    /** Several engines, each named; without it, one engine found as `dockerHost`, DOCKER_HOST or the docker context say. */
    engines: z
      .array(EngineSettingSchema)
      .min(1)
      .max(32)
      .optional()
      .refine((list) => !list || new Set(list.map((e) => e.name)).size === list.length, 'engine names must be unique'),
    insecureRegistries: z.array(z.string().min(1)).optional(),
    credentials: z.record(z.string().min(1), CredentialSettingSchema).optional(),
    /** Registry `host[:port]` → a PEM file of the private CA its certificate comes from. */
    caFiles: z.record(z.string().min(1), z.string().min(1)).optional(),
    /** How long a replacement without a healthcheck must keep running before the old one is removed. */
    startGraceSeconds: z.number().min(0).max(600).optional(),
    healthTimeoutSeconds: z.number().min(1).max(3600).optional(),
    /** A pull whose stream shows no progress for this long is aborted and counted as failed. */
    pullStallSeconds: z.number().min(1).max(3600).optional(),
    /** Registry lookups in flight at once, per registry. */
    concurrency: z.number().int().min(1).max(32).optional(),
    /**
     * Also watch the images the engine's containers use: true for every container not opted out
     * by label, "opt-in" for only those labelled imagewatch.enable=true.
     */
    discover: z.union([z.boolean(), z.literal('opt-in')]).optional(),
    /** Notification channels (see docs/notifications.md). */
    notify: z.array(NotifyChannelSchema).max(50).optional(),
    /**
     * Look for newer version tags of each runtime whose tag is a version: false for configured
     * runtimes and `minor` for discovered ones unless set here (or per runtime).
     */
    newerTags: NewerTagsSchema.optional(),
    /** When automatic refreshes may happen, for every runtime that sets none ("02:00-05:00", or cron and a duration). */
    window: UpdateWindowSchema.optional(),
    /** A new digest must have stood this many minutes before an automatic refresh applies it. */
    minAgeMinutes: MinAgeSchema.optional(),
    /** After a refresh, remove the images containers were moved off once nothing uses them; false keeps everything. */
    cleanup: z.boolean().optional(),
    /** How many of those images stay per runtime, so a rollback needs no pull. */
    keepPrevious: KeepPreviousSchema.optional(),
    /**
     * Run the commands containers name in their hook labels (imagewatch.pre-update/post-update,
     * Watchtower's lifecycle labels) around an update. Off unless true: a label alone must not
     * make imagewatch run commands.
     */
    hooks: z.boolean().optional(),
    /** A repository's tags are listed at most this often (they are never listed on every check). */
    tagsIntervalSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600)
      .optional(),
    /** `imagewatch serve`'s /metrics: `public: true` serves it without the token. */
    metrics: z.object({ public: z.boolean().optional() }).strict().optional(),
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;

/**
 * What an absent setting means. With SettingsSchema this is the one source of truth for the
 * settings; config/load.ts resolves against it, and the stores only load and save.
 * (Runtimes default to the origin's eight, which depend on the environment: see config/defaults.ts.)
 */
export const SETTING_DEFAULTS = {
  intervalSeconds: 300,
  autoRefresh: false,
  recreate: 'replace',
  insecureRegistries: [],
  credentials: {},
  caFiles: {},
  startGraceSeconds: 3,
  healthTimeoutSeconds: 120,
  pullStallSeconds: 120,
  // Lookups in flight per registry. Eight keeps a 200-image check within 1.15x of the round-trip
  // limit at 50 ms; Docker Hub and GHCR answer that many HEADs at once (HEADs do not count
  // against Docker Hub's pull limit), and a self-hosted registry hardly notices eight.
  concurrency: 8,
  discover: false,
  tagsIntervalSeconds: 6 * 3600,
  minAgeMinutes: 0,
  cleanup: true,
  keepPrevious: 1,
  hooks: false,
} as const satisfies Required<Omit<Settings, 'runtimes' | 'dockerHost' | 'engines' | 'metrics' | 'notify' | 'newerTags' | 'window'>>;

/** What the window may change in the settings (`updateSettings`): a part of the config's shape. */
export const SettingsPatchSchema = SettingsSchema.pick({ intervalSeconds: true, recreate: true, autoRefresh: true, discover: true });

/** A tag as the distribution spec writes it. */
export const TagSchema = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, 'a tag such as 1.27.0');

export const RefreshRequestSchema = z
  .object({
    /** Pull the new image and leave every container as it is; absent or false uses each runtime's strategy. */
    pullOnly: z.boolean().optional(),
    /** On this engine only; on every engine of the runtime when absent. */
    engine: EngineNameSchema.optional(),
    /** Move the runtime's containers to this tag of the same repository (a newer version tag). */
    toTag: TagSchema.optional(),
  })
  .strict();

export const RegistryHostSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.[\]:-]+$/, 'a registry host such as ghcr.io or registry.lan:5000');

export const CredentialInputSchema = z
  .object({
    registry: RegistryHostSchema,
    username: z.string().min(1).max(1024),
    password: z.string().min(1).max(16384),
  })
  .strict();

const IsoDate = z.string().min(1);
const Digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'expected sha256: and 64 hex');

export const HistoryEntrySchema = z
  .object({
    at: IsoDate,
    /** index-moved: a multi-arch index moved while this platform's image stayed the same (not a new version). */
    kind: z.enum(['seeded', 'moved', 'index-moved', 'refreshed', 'refresh-failed', 'check-failed', 'notify-failed', 'new-tag', 'refresh-deferred']),
    /** new-tag: the newer version tag found. */
    tag: z.string().max(128).optional(),
    digest: z.string().optional(),
    previousDigest: z.string().optional(),
    message: z.string().optional(),
    containers: z.array(z.string()).optional(),
    /** The engine an entry is about, when imagewatch acts on several (absent for the runtime's own entries). */
    engine: z.string().optional(),
    /** The version `digest` is (its label, else the tag, else absent), as people read it. */
    version: z.string().optional(),
    /** The version `previousDigest` is. */
    previousVersion: z.string().optional(),
  })
  .strict();

export const RuntimeErrorSchema = z.object({ at: IsoDate, phase: z.enum(['check', 'refresh']), message: z.string() }).strict();

export const RetryPlanSchema = z
  .object({
    /** The remote digest the failed refresh was aiming for. */
    digest: Digest,
    attempt: z.number().int().min(1),
    nextAt: IsoDate,
  })
  .strict();

/** An automatic refresh held back: by the update window, or until the new digest has stood its cooling-off time. */
export const WaitPlanSchema = z
  .object({
    /** The remote digest the refresh will apply. */
    digest: Digest,
    until: IsoDate,
    reason: z.enum(['window', 'min-age']),
  })
  .strict();

export const RuntimeStateSchema = z
  .object({
    /** Last remote digest observed. */
    seenDigest: Digest.nullable(),
    /**
     * When seenDigest is a multi-arch index: the digest of the engine's platform's image in it, so
     * a move of the index that leaves this platform's image alone is not taken for a new version.
     */
    seenPlatformDigest: Digest.nullable().optional(),
    /** Last digest refreshed successfully (or found already present locally). */
    appliedDigest: Digest.nullable(),
    lastCheckAt: IsoDate.nullable(),
    lastRefreshAt: IsoDate.nullable(),
    lastError: RuntimeErrorSchema.nullable(),
    /** null: not known yet, the engine has not answered since the tag was first seen. */
    updateAvailable: z.boolean().nullable(),
    retry: RetryPlanSchema.nullable(),
    /** An automatic refresh waiting for the update window or the cooling-off time. */
    waiting: WaitPlanSchema.nullable().optional(),
    /** Images this engine's containers were moved off, most recent first: kept for a rollback, or to clean later. */
    previousImages: z.array(z.string().max(100)).max(16).optional(),
    history: z.array(HistoryEntrySchema),
  })
  .strict();

/**
 * What is kept per runtime and engine: what that engine runs and what happened to its refreshes.
 * `lastError` here is a refresh's; a lookup's is the runtime's.
 */
export const EngineRuntimeStateSchema = RuntimeStateSchema.pick({
  seenPlatformDigest: true,
  appliedDigest: true,
  lastRefreshAt: true,
  lastError: true,
  updateAvailable: true,
  retry: true,
  waiting: true,
  previousImages: true,
}).strict();

/**
 * What is kept per runtime: the tag's remote digest (one lookup serves every engine), the last
 * check, a lookup's failure, the history, and each engine's part by engine name. The key ""
 * holds what a one-engine imagewatch (schema 4) kept; it goes to the first engine at load.
 */
/** A newer version tag of the watched one, found by listing the repository's tags; announced once. */
export const NewerTagSchema = z.object({ tag: z.string().min(1).max(128), foundAt: IsoDate }).strict();

export const SavedRuntimeSchema = RuntimeStateSchema.pick({ seenDigest: true, lastCheckAt: true, lastError: true, history: true })
  .extend({ engines: z.record(z.string(), EngineRuntimeStateSchema), newerTag: NewerTagSchema.optional() })
  .strict();

/** When a repository's tags were last listed, and why that failed (a refusal is not asked again until the next interval). */
export const TagListingSchema = z.object({ listedAt: IsoDate, error: z.string().max(500).optional() }).strict();

/**
 * What an image says about itself (its config's OCI or label-schema labels), kept per digest:
 * a digest's config never changes, so it is read once. `from`: the registry (the image config),
 * or an engine's copy of the image (what runs, read at first sight without a registry request).
 * A failed read keeps its reason and is tried again a day later.
 */
export const ImageFactsSchema = z
  .object({
    version: z.string().max(500).optional(),
    revision: z.string().max(500).optional(),
    source: z.string().max(500).optional(),
    created: z.string().max(500).optional(),
    title: z.string().max(500).optional(),
    url: z.string().max(500).optional(),
    documentation: z.string().max(500).optional(),
    from: z.enum(['registry', 'engine']),
    readAt: IsoDate,
    error: z.string().max(500).optional(),
  })
  .strict();

/**
 * 2: `updateAvailable` may be null (unknown), and registries' 429 waits are kept.
 * 3: the platform's image digest inside an index (`seenPlatformDigest`), and `index-moved` history.
 * 4: `notify-failed` history (a notification given up, with the reason).
 * 5: several engines: per runtime the remote side, per runtime and engine the rest (`engines`).
 * 6: what each image says about itself, by digest (`images`), versions in history entries,
 *    newer version tags (`newerTag`, `tagListings`, `new-tag` history), and refreshes waiting
 *    for the update window or the cooling-off time (`waiting`).
 */
export const STATE_SCHEMA_VERSION = 6;

export const PersistedStateSchema = z
  .object({
    schemaVersion: z.literal(STATE_SCHEMA_VERSION),
    runtimes: z.record(z.string(), SavedRuntimeSchema),
    /** Registry → the time a 429 said to wait until, so the next run (a cron `check`) waits too. */
    rateLimits: z.record(z.string(), IsoDate).optional(),
    /** Digest → what that image says about itself (kept while a runtime or its history names the digest). */
    images: z.record(Digest, ImageFactsSchema).optional(),
    /** `registry/repository` → its last tag listing. */
    tagListings: z.record(z.string(), TagListingSchema).optional(),
  })
  .strict();

export type PersistedState = z.infer<typeof PersistedStateSchema>;
export type NewerTag = z.infer<typeof NewerTagSchema>;
export type TagListing = z.infer<typeof TagListingSchema>;

/** `where: path.to[2].key: message` lines, one per problem, for humans. */
export function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => `"${k}"`).join(', ');
        return `${where}: unknown key ${keys}${path ? ` in ${path}` : ''}`;
      }
      return `${where}: ${path || '(top level)'}: ${issue.message}`;
    })
    .join('\n');
}
