// Argument schemas for every contract method, checked on the receiving side before anything
// reaches the engine. Tuples, so a missing, extra or mistyped argument names its position.
import { z } from 'zod';
import type { ApiMethod } from './api.js';
import { describeIssues, RecreateStrategySchema, RuntimeConfigSchema, RuntimeNameSchema } from './schemas.js';

const RegistryHostSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.[\]:-]+$/, 'a registry host such as ghcr.io or registry.lan:5000');

export const API_ARG_SCHEMAS = {
  getState: z.tuple([]),
  checkNow: z.tuple([]),
  refresh: z.tuple([RuntimeNameSchema, z.strictObject({ pullOnly: z.boolean().optional() }).optional()]),
  setAutoRefresh: z.tuple([z.boolean()]),
  updateSettings: z.tuple([
    z.strictObject({
      intervalSeconds: z
        .number()
        .int()
        .min(5)
        .max(7 * 24 * 3600)
        .optional(),
      recreate: RecreateStrategySchema.optional(),
      autoRefresh: z.boolean().optional(),
    }),
  ]),
  addRuntime: z.tuple([RuntimeConfigSchema]),
  removeRuntime: z.tuple([RuntimeNameSchema]),
  getHistory: z.tuple([RuntimeNameSchema]),
  setCredential: z.tuple([z.strictObject({ registry: RegistryHostSchema, username: z.string().min(1).max(1024), password: z.string().min(1).max(16384) })]),
  removeCredential: z.tuple([RegistryHostSchema]),
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
