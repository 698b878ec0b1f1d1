// Argument schemas for every contract method, checked on the receiving side before anything
// reaches the engine. Tuples, so a missing, extra or mistyped argument names its position.
import { z } from 'zod/v3';
import type { ApiMethod } from './api.js';
import {
  ChannelIdSchema,
  EngineNameSchema,
  EngineSettingSchema,
  ChannelInputSchema,
  CredentialInputSchema,
  describeIssues,
  RefreshRequestSchema,
  RegistryHostSchema,
  RuntimeConfigSchema,
  RuntimeNameSchema,
  SettingsPatchSchema,
} from './schemas.js';

export const API_ARG_SCHEMAS = {
  getState: z.tuple([]),
  checkNow: z.tuple([]),
  // The options may be left out: zod 3's tuples have no optional places, so a rest of at most one.
  refresh: z
    .tuple([RuntimeNameSchema])
    .rest(RefreshRequestSchema)
    .refine((args) => args.length <= 2, { message: 'expected at most 2 arguments' }),
  setAutoRefresh: z.tuple([z.boolean()]),
  updateSettings: z.tuple([SettingsPatchSchema]),
  addRuntime: z.tuple([RuntimeConfigSchema]),
  removeRuntime: z.tuple([RuntimeNameSchema]),
  getHistory: z.tuple([RuntimeNameSchema]),
  setCredential: z.tuple([CredentialInputSchema]),
  removeCredential: z.tuple([RegistryHostSchema]),
  useEngine: z.tuple([z.string().min(1).max(4096)]),
  addEngine: z.tuple([EngineSettingSchema]),
  removeEngine: z.tuple([EngineNameSchema]),
  addChannel: z.tuple([ChannelInputSchema]),
  removeChannel: z.tuple([ChannelIdSchema]),
  testChannel: z.tuple([ChannelIdSchema]),
} satisfies Record<ApiMethod, z.ZodType>;

export function isApiMethod(value: unknown): value is ApiMethod {
  return typeof value === 'string' && Object.hasOwn(API_ARG_SCHEMAS, value);
}

export class InvalidArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentError';
  }
}

/** Validates raw arguments for `method`, or throws an error that names the bad one. */
export function parseApiArgs(method: ApiMethod, raw: unknown): unknown[] {
  const parsed = API_ARG_SCHEMAS[method].safeParse(raw);
  if (!parsed.success) {
    const text = describeIssues(parsed.error, method)
      .split('\n')
      .map((line) => line.replace(/^(\w+): \[(\d+)\]\.?/, (_m, name: string, index: string) => `${name}: argument ${Number(index) + 1} `))
      .join('; ');
    throw new InvalidArgumentError(text.replace(/ +:/g, ':').replace(/ {2,}/g, ' '));
  }
  return parsed.data as unknown[];
}
