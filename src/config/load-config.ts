import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { HangjiaError } from '../errors/index.js';
import { redactUrlPassword } from '../support/index.js';
import { DEFAULT_CONFIG, type HangjiaConfig } from './config.js';

/** Where a setting's value came from. */
export type ConfigLayer = 'default' | `file:${string}` | `env:${string}` | 'flag' | `inferred from ${string}`;

export interface LoadedConfig {
  config: HangjiaConfig;
  /** Dotted key (`embedding.provider`) → the layer that set it. */
  provenance: Record<string, ConfigLayer>;
}

export interface LoadConfigOptions {
  /** Values from command-line flags, as dotted keys (`{ 'search.k': 10 }`). Undefined values are ignored. */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** An explicit config file (`--config`); otherwise the search described on `HangjiaConfig`. */
  configFile?: string;
}

/** Environment variable → dotted key. The first variable listed for a key wins. */
const ENVIRONMENT_KEYS: ReadonlyArray<[string, string]> = [
  ['HANGJIA_HOME', 'home'],
  ['HANGJIA_STORE_URL', 'store.url'],
  ['HANGJIA_EMBEDDING_PROVIDER', 'embedding.provider'],
  ['HANGJIA_EMBEDDING_BASE_URL', 'embedding.baseURL'],
  ['HANGJIA_BASE_URL', 'embedding.baseURL'],
  ['HANGJIA_API_KEY', 'embedding.apiKey'],
  ['HANGJIA_EMBEDDING_MODEL', 'embedding.model'],
  ['HANGJIA_EMBEDDING_MODEL_PATH', 'embedding.modelPath'],
  ['HANGJIA_EMBEDDING_MODEL_DIR', 'embedding.modelDir'],
  ['HANGJIA_EMBEDDING_DIMENSIONS', 'embedding.dimensions'],
  ['HANGJIA_THREADS', 'embedding.threads'],
  ['HANGJIA_EMBEDDING_QUERY_PREFIX', 'embedding.queryPrefix'],
  ['HANGJIA_EMBEDDING_DOCUMENT_PREFIX', 'embedding.documentPrefix'],
  ['HANGJIA_MAX_FILE_BYTES', 'ingest.maxFileBytes'],
  ['HANGJIA_MODEL_PROVIDER', 'model.provider'],
  ['HANGJIA_BASE_URL', 'model.baseURL'],
  ['HANGJIA_API_KEY', 'model.apiKey'],
  ['HANGJIA_MODEL', 'model.model'],
  ['HANGJIA_MODEL_PATH', 'model.modelPath'],
  ['HANGJIA_LORA_PATH', 'model.loraPath'],
  ['HANGJIA_THREADS', 'model.threads'],
  ['HANGJIA_EVIDENCE_THRESHOLD', 'answer.evidenceThreshold'],
  ['HANGJIA_HISTORY_TOKENS', 'answer.historyTokens'],
  ['HANGJIA_RERANK_PROVIDER', 'rerank.provider'],
  ['HANGJIA_RERANK_BASE_URL', 'rerank.baseURL'],
  ['HANGJIA_RERANK_API_KEY', 'rerank.apiKey'],
  ['HANGJIA_RERANK_MODEL', 'rerank.model'],
  ['HANGJIA_RERANK_MODEL_DIR', 'rerank.modelDir'],
  ['HANGJIA_RERANK_TOP_N', 'rerank.topN'],
  ['HANGJIA_ANSWER_GRAPH', 'answer.graph'],
  // Vector database (docs/vectors.md).
  ['HANGJIA_VECTORS_STORE', 'vectors.store'],
  ['HANGJIA_VECTORS_URL', 'vectors.url'],
  ['HANGJIA_VECTORS_API_KEY', 'vectors.apiKey'],
];

const NUMERIC_KEYS = new Set([
  'embedding.dimensions', 'embedding.threads', 'ingest.maxFileBytes', 'chunking.maxChars', 'chunking.maxTokens',
  'chunking.overlapChars', 'chunking.minChars', 'search.k', 'search.lexicalWeight', 'search.vectorWeight', 'search.rrfK',
  'search.titleWeight', 'search.headingsWeight', 'search.k1', 'search.groupWeight', 'search.topicWeight', 'search.citationWeight',
  'model.threads', 'model.contextSize', 'model.temperature', 'model.maxTokens', 'model.timeoutMs',
  'answer.evidenceThreshold', 'answer.historyTokens',
  'reasoning.maxSteps', 'reasoning.maxToolCalls', 'reasoning.maxRepairs', 'reasoning.tokenBudget', 'reasoning.timeBudgetMs',
  'rerank.topN',
  'ingest.maxRemovalShare',
  'server.port', 'server.maxBodyBytes', 'server.maxUploadFiles', 'server.maxConcurrentRequests', 'server.modelConcurrency', 'server.modelQueue', 'server.modelQueueWaitMs', 'server.requestsPerMinute', 'server.drainMs', 'server.jobLeaseMs',
]);
/** Numeric settings checked here, so the error names the setting rather than the engine's parameter. */
const RANGE_KEYS: Record<string, { min: number; max: number; minExclusive?: boolean }> = {
  'search.titleWeight': { min: 0, max: 100 },
  // Under 300 ms the heartbeat (a third of it) would chase the database; over an hour a dead runner's job waits too long.
  'server.jobLeaseMs': { min: 300, max: 3_600_000 },
  'search.headingsWeight': { min: 0, max: 100 },
  'search.k1': { min: 0, max: 100, minExclusive: true },
  'search.groupWeight': { min: 0, max: 100 },
  'search.topicWeight': { min: 0, max: 100 },
  'search.citationWeight': { min: 0, max: 100 },
  'answer.historyTokens': { min: 0, max: 1_000_000 },
  'reasoning.maxSteps': { min: 1, max: 50 },
  'reasoning.maxToolCalls': { min: 1, max: 200 },
  'reasoning.maxRepairs': { min: 0, max: 10 },
  'reasoning.tokenBudget': { min: 1000, max: 100_000_000 },
  'reasoning.timeBudgetMs': { min: 1000, max: 86_400_000 },
  'rerank.topN': { min: 1, max: 1000 },
  'ingest.maxRemovalShare': { min: 0, max: 1 },
  'server.port': { min: 0, max: 65535 },
  'server.maxUploadFiles': { min: 1, max: 10_000 },
  'server.maxConcurrentRequests': { min: 1, max: 100_000 },
  'server.modelConcurrency': { min: 1, max: 1024 },
  'server.modelQueue': { min: 0, max: 100_000 },
  'server.requestsPerMinute': { min: 0, max: 1_000_000 },
};
const ENUM_KEYS: Record<string, readonly string[]> = {
  'embedding.provider': ['none', 'openai-compatible', 'llama-cpp', 'transformers'],
  'search.mode': ['auto', 'lexical', 'vector', 'hybrid'],
  'model.provider': ['none', 'openai-compatible', 'llama-cpp'],
  'rerank.provider': ['none', 'http', 'transformers'],
  'vectors.store': ['flat', 'qdrant', 'milvus'],
};
/** Settings that are true or false (written `true`/`false`, `1`/`0`, `yes`/`no` in the environment and --set). */
const BOOLEAN_KEYS = new Set(['answer.strict', 'answer.graph']);
/** Settings that must never be printed or saved. */
export const SECRET_KEYS = new Set(['embedding.apiKey', 'model.apiKey', 'rerank.apiKey', 'vectors.apiKey']);
/** Settings that are URLs which may carry a password: printed with the password masked. */
const URL_WITH_PASSWORD_KEYS = new Set(['store.url']);

/**
 * Merges defaults, config file, environment and flags, recording where each value came from
 * (the c12 habit: precedence written down, provenance kept).
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const config = structuredClone(DEFAULT_CONFIG);
  const provenance: Record<string, ConfigLayer> = {};
  for (const key of flattenKeys(DEFAULT_CONFIG)) provenance[key] = 'default';

  const home = (options.flags?.['home'] as string | undefined) ?? env['HANGJIA_HOME'] ?? config.home;
  const file = options.configFile ?? findConfigFile(cwd, home);
  if (file) {
    for (const [key, value] of Object.entries(flatten(readConfigFile(file)))) {
      setKey(config, key, value, `file:${file}`);
      provenance[key] = `file:${file}`;
    }
  }
  const setFromEnv = new Set<string>();
  for (const [variable, key] of ENVIRONMENT_KEYS) {
    const value = env[variable];
    if (value === undefined || value === '' || setFromEnv.has(key)) continue;
    setKey(config, key, value, `env:${variable}`);
    provenance[key] = `env:${variable}`;
    setFromEnv.add(key);
  }
  for (const [key, value] of Object.entries(options.flags ?? {})) {
    if (value === undefined) continue;
    setKey(config, key, value, 'flag');
    provenance[key] = 'flag';
  }
  inferProviders(config, provenance);
  return { config, provenance };
}

/**
 * What each provider can be told from, when no layer names it: a setting only one adapter reads.
 * The embedding endpoint needs its own model name as well, because `HANGJIA_BASE_URL` sets
 * `embedding.baseURL` too and must not turn embeddings on for someone configuring a chat model.
 */
const PROVIDER_EVIDENCE = {
  model: [
    { provider: 'openai-compatible', keys: ['model.baseURL'] },
    { provider: 'llama-cpp', keys: ['model.modelPath'] },
  ],
  embedding: [
    { provider: 'openai-compatible', keys: ['embedding.baseURL', 'embedding.model'] },
    { provider: 'llama-cpp', keys: ['embedding.modelPath'] },
    { provider: 'transformers', keys: ['embedding.modelDir'] },
  ],
} as const;

/**
 * Sets `model.provider` and `embedding.provider` from what is configured when no layer set them
 * (otherwise `HANGJIA_BASE_URL=… HANGJIA_MODEL=… hangjia ask` would answer extractively, the
 * endpoint silently unused; docs/design.md, "Answers and numbers a team can trust"). The provenance says `inferred from <key>, set by <layer>`, so
 * `config show` tells an inferred provider from a chosen one. Settings for two adapters at once
 * are an error naming both, since either guess could be the wrong one.
 */
function inferProviders(config: HangjiaConfig, provenance: Record<string, ConfigLayer>): void {
  for (const section of ['model', 'embedding'] as const) {
    if (provenance[`${section}.provider`] !== 'default') continue;
    const flat = flatten(config as unknown as Record<string, unknown>);
    const matches = PROVIDER_EVIDENCE[section].filter(({ keys }) => keys.every((key) => flat[key] !== undefined && flat[key] !== ''));
    if (matches.length === 0) continue;
    const describe = (key: string): string => `${key} (from ${provenance[key] ?? 'default'})`;
    if (matches.length > 1) {
      const [first, second] = matches.map(({ keys }) => keys[keys.length - 1]!);
      throw new HangjiaError(
        'E_CONFIG',
        `Both ${describe(first!)} and ${describe(second!)} are set, so ${section}.provider cannot be inferred: they belong to ${matches.map(({ provider }) => provider).join(' and ')}. Set ${section}.provider (${section === 'model' ? 'HANGJIA_MODEL_PROVIDER' : 'HANGJIA_EMBEDDING_PROVIDER'}) to the one you mean, or remove the other setting.`,
        { details: { setting: `${section}.provider`, conflicting: [first, second] } },
      );
    }
    const [{ provider, keys }] = matches as unknown as [{ provider: string; keys: readonly string[] }];
    const evidence = keys[0]!;
    (config[section] as { provider: string }).provider = provider;
    provenance[`${section}.provider`] = `inferred from ${evidence}, set by ${provenance[evidence] ?? 'default'}`;
  }
}

function findConfigFile(cwd: string, home: string): string | undefined {
  const candidates = ['hangjia.config.json', 'hangjia.config.yaml', 'hangjia.config.yml'].map((name) => path.join(cwd, name));
  candidates.push(path.join(home, 'config.yaml'), path.join(home, 'config.json'));
  return candidates.find((candidate) => fs.existsSync(candidate));
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new HangjiaError('E_CONFIG', `Cannot read config file ${file}: ${(error as Error).message}`, { details: { path: file }, cause: error });
  }
  try {
    const parsed: unknown = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the top level must be a mapping of settings');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new HangjiaError('E_CONFIG', `Config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`, {
      details: { path: file },
      cause: error,
    });
  }
}

function setKey(config: HangjiaConfig, key: string, raw: unknown, layer: ConfigLayer): void {
  const parts = key.split('.');
  const known = flattenKeys(DEFAULT_CONFIG).concat(optionalKeys());
  if (!known.includes(key)) {
    throw new HangjiaError('E_CONFIG', `Unknown setting "${key}" (from ${layer}). Known settings: ${known.join(', ')}.`, {
      details: { setting: key, layer },
    });
  }
  let value: unknown = raw;
  if (NUMERIC_KEYS.has(key)) {
    value = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isFinite(value)) {
      throw new HangjiaError('E_CONFIG', `Setting "${key}" must be a number, got "${String(raw)}" (from ${layer}).`, {
        details: { setting: key, value: raw, layer },
      });
    }
  }
  if (BOOLEAN_KEYS.has(key) && typeof raw !== 'boolean') {
    const text = String(raw).trim().toLowerCase();
    if (!['true', 'false', '1', '0', 'yes', 'no'].includes(text)) {
      throw new HangjiaError('E_CONFIG', `Setting "${key}" must be true or false, got "${String(raw)}" (from ${layer}).`, { details: { setting: key, value: raw, layer } });
    }
    value = ['true', '1', 'yes'].includes(text);
  }
  const range = RANGE_KEYS[key];
  if (range && ((value as number) > range.max || (range.minExclusive ? (value as number) <= range.min : (value as number) < range.min))) {
    throw new HangjiaError(
      'E_CONFIG',
      `Setting "${key}" must be from ${range.min}${range.minExclusive ? ' (exclusive)' : ''} to ${range.max}; got ${String(raw)} (from ${layer}).`,
      { details: { setting: key, value: raw, layer } },
    );
  }
  const allowed = ENUM_KEYS[key];
  if (allowed && !allowed.includes(String(value))) {
    throw new HangjiaError('E_CONFIG', `Setting "${key}" must be one of ${allowed.join(', ')}; got "${String(raw)}" (from ${layer}).`, {
      details: { setting: key, value: raw, layer },
    });
  }
  if (BOOLEAN_KEYS.has(key) && typeof value !== 'boolean') {
    if (value !== 'true' && value !== 'false') {
      throw new HangjiaError('E_CONFIG', `Setting "${key}" must be true or false, got "${String(raw)}" (from ${layer}).`, { details: { setting: key, value: raw, layer } });
    }
    value = value === 'true';
  }
  if ((key === 'ingest.include' || key === 'ingest.exclude' || key === 'server.corsOrigins') && typeof value === 'string') value = value.split(',').filter(Boolean);
  if (key === 'reasoning.allowedHosts' && typeof value === 'string') value = value.split(',').map((host) => host.trim()).filter(Boolean);
  if (key === 'reasoning.tools' && typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (error) {
      throw new HangjiaError('E_CONFIG', `Setting "reasoning.tools" must be a JSON list of tools; ${(error as Error).message} (from ${layer}).`, { details: { setting: key, layer } });
    }
  }
  let target = config as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  target[parts[parts.length - 1]!] = value;
}

function optionalKeys(): string[] {
  return [
    'store.url',
    ...['baseURL', 'apiKey', 'model', 'modelPath', 'modelDir', 'dimensions', 'threads', 'queryPrefix', 'documentPrefix'].map((name) => `embedding.${name}`),
    ...['baseURL', 'apiKey', 'model', 'modelPath', 'loraPath', 'threads', 'contextSize'].map((name) => `model.${name}`),
    'answer.historyTokens',
    'reasoning.actions', 'reasoning.tools', 'reasoning.allowedHosts',
    'answer.strict',
    ...['baseURL', 'apiKey', 'model', 'modelDir'].map((name) => `rerank.${name}`),
    'answer.graph',
    'vectors.url', 'vectors.apiKey',
  ];
}

function flattenKeys(object: object): string[] {
  return Object.keys(flatten(object as Record<string, unknown>));
}

function flatten(object: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, flatten(value as Record<string, unknown>, dotted));
    else out[dotted] = value;
  }
  return out;
}

/** The effective settings as `[key, value, layer]` rows, secrets masked. */
export function describeConfig(loaded: LoadedConfig): Array<[string, string, ConfigLayer]> {
  const flat = flatten(loaded.config as unknown as Record<string, unknown>);
  const keys = [...new Set([...flattenKeys(DEFAULT_CONFIG), ...optionalKeys(), ...Object.keys(flat)])];
  return keys.map((key) => {
    const value = flat[key];
    const shown =
      value === undefined ? '(unset)' : SECRET_KEYS.has(key) ? '********' : URL_WITH_PASSWORD_KEYS.has(key) ? JSON.stringify(redactUrlPassword(String(value))) : JSON.stringify(value);
    return [key, shown, loaded.provenance[key] ?? 'default'];
  });
}
