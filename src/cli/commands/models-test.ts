import { defineCommand } from 'citty';
import type { ConfigLayer, LoadedConfig } from '../../config/index.js';
import { describeConfig } from '../../config/index.js';
import { HangjiaError } from '../../errors/index.js';
import { embedMany, streamText, type EmbeddingModel, type LanguageModel } from '../../models/index.js';
import { createEmbeddingModelFromConfig, createLanguageModelFromConfig } from '../../presets/index.js';
import { EXIT } from '../_exit-codes.js';
import { snippet } from '../_format.js';
import { COMMON_ARGS, openSession } from '../_session.js';
import type { Terminal } from '../_terminal.js';

const TEST_PROMPT = '用一句话介绍你自己。';
const TEST_TEXT = '劳动合同试用期最长多久';
/** Enough tokens to see that text comes out, few enough to be quick on a CPU. */
const TEST_MAX_TOKENS = 32;

/** Which settings matter for each provider, in the order they are shown. */
const RELEVANT_SETTINGS: Record<string, string[]> = {
  'openai-compatible': ['baseURL', 'model', 'apiKey'],
  'llama-cpp': ['modelPath', 'loraPath', 'threads', 'contextSize'],
  transformers: ['modelDir'],
};

interface Setting {
  key: string;
  value: string;
  source: ConfigLayer;
}

interface ModelReport {
  configured: boolean;
  provider: string;
  modelId?: string;
  settings: Setting[];
  ok?: boolean;
  latencyMs?: number;
  /** Chat only: time to the first text. */
  firstTokenMs?: number;
  usage?: Record<string, number | undefined>;
  dimensions?: number;
  sample?: string;
  error?: { code: string; message: string };
}

export default defineCommand({
  meta: { name: 'test', description: 'Send a tiny prompt to the chat model and embed a tiny text: show what is configured, latency, tokens and a sample' },
  args: { ...COMMON_ARGS },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const chat = await testChatModel(loaded, terminal);
    const embedding = await testEmbeddingModel(loaded, terminal);
    if (chat.ok === false || embedding.ok === false) session.exitCode = EXIT.failure;
    if (terminal.json) return terminal.outJson({ chat, embedding });
    printReport('Chat model', chat, terminal);
    printReport('Embedding model', embedding, terminal);
    if (!chat.configured || !embedding.configured) explainConfiguration(chat.configured, embedding.configured, terminal);
  },
});

async function testChatModel(loaded: LoadedConfig, terminal: Terminal): Promise<ModelReport> {
  const settings = loaded.config.model;
  const report: ModelReport = { configured: settings.provider !== 'none', provider: settings.provider, settings: describeSettings(loaded, 'model', settings.provider) };
  if (!report.configured) return report;
  let model: LanguageModel;
  try {
    model = createLanguageModelFromConfig(settings);
  } catch (error) {
    return fail(report, error);
  }
  report.modelId = model.modelId;
  terminal.info(`Testing chat model ${model.provider} "${model.modelId}"…`);
  const started = performance.now();
  try {
    const result = streamText(model, { messages: [{ role: 'user', content: TEST_PROMPT }], maxTokens: Math.min(settings.maxTokens, TEST_MAX_TOKENS), temperature: settings.temperature });
    for await (const part of result) {
      if (part.type === 'text-delta' && report.firstTokenMs === undefined) report.firstTokenMs = Math.round(performance.now() - started);
    }
    const completion = await result.completion;
    report.latencyMs = Math.round(performance.now() - started);
    report.usage = { ...completion.usage };
    report.sample = completion.text;
    if (completion.error !== undefined) return fail(report, completion.error);
    report.ok = true;
    return report;
  } catch (error) {
    return fail(report, error);
  } finally {
    await (model as Partial<{ dispose(): Promise<void> }>).dispose?.();
  }
}

async function testEmbeddingModel(loaded: LoadedConfig, terminal: Terminal): Promise<ModelReport> {
  const settings = loaded.config.embedding;
  const report: ModelReport = { configured: settings.provider !== 'none', provider: settings.provider, settings: describeSettings(loaded, 'embedding', settings.provider) };
  if (!report.configured) return report;
  let model: EmbeddingModel | undefined;
  try {
    model = createEmbeddingModelFromConfig(settings);
    if (model === undefined) return report;
    report.modelId = model.modelId;
    terminal.info(`Testing embedding model ${model.provider} "${model.modelId}"…`);
    const started = performance.now();
    const { embeddings, usage } = await embedMany(model, [TEST_TEXT]);
    report.latencyMs = Math.round(performance.now() - started);
    const vector = Array.from(embeddings[0] ?? []);
    report.dimensions = vector.length;
    report.usage = { tokens: usage.tokens };
    report.sample = `[${vector.slice(0, 4).map((value) => value.toFixed(4)).join(', ')}${vector.length > 4 ? ', …' : ''}]`;
    report.ok = true;
    return report;
  } catch (error) {
    return fail(report, error);
  } finally {
    await (model as Partial<{ dispose(): Promise<void> }> | undefined)?.dispose?.();
  }
}

/** The provider's relevant settings with their sources; secrets stay masked (describeConfig masks them). */
function describeSettings(loaded: LoadedConfig, section: 'model' | 'embedding', provider: string): Setting[] {
  const wanted = ['provider', ...(RELEVANT_SETTINGS[provider] ?? [])].map((name) => `${section}.${name}`);
  const rows = describeConfig(loaded);
  return wanted.flatMap((key) => rows.filter(([rowKey]) => rowKey === key).map(([, value, source]) => ({ key, value, source })));
}

function fail(report: ModelReport, error: unknown): ModelReport {
  report.ok = false;
  report.error = HangjiaError.is(error) ? { code: error.code, message: error.message } : { code: 'E_UNEXPECTED', message: String(error) };
  return report;
}

function printReport(title: string, report: ModelReport, terminal: Terminal): void {
  if (!report.configured) {
    terminal.out(`${title}: not configured (${report.settings[0]?.key} is "none", from ${report.settings[0]?.source})`);
    return;
  }
  terminal.out(`${title}: ${report.provider}${report.modelId === undefined ? '' : ` "${report.modelId}"`}`);
  const width = Math.max(...report.settings.map((setting) => setting.key.length));
  for (const setting of report.settings) terminal.out(`  ${setting.key.padEnd(width)}  ${setting.value}  (${setting.source})`);
  const usage = report.usage === undefined ? '' : Object.entries(report.usage).map(([name, count]) => `${name} ${count ?? '?'}`).join(', ');
  const timing = [
    report.firstTokenMs === undefined ? undefined : `first token ${report.firstTokenMs} ms`,
    report.latencyMs === undefined ? undefined : `total ${report.latencyMs} ms`,
    report.dimensions === undefined ? undefined : `${report.dimensions} dimensions`,
    usage === '' ? undefined : usage,
  ].filter((item) => item !== undefined);
  if (report.ok === true) terminal.out(`  ok: ${timing.join('; ')}`);
  else terminal.out(`  FAILED [${report.error?.code}]: ${report.error?.message}${timing.length > 0 ? `\n  (${timing.join('; ')})` : ''}`);
  if (report.sample !== undefined && report.sample !== '') terminal.out(`  sample: ${snippet(report.sample, 120)}`);
}

function explainConfiguration(chatConfigured: boolean, embeddingConfigured: boolean, terminal: Terminal): void {
  const lines = [''];
  if (!chatConfigured && !embeddingConfigured) lines.push('No models are configured. Search still works: `hangjia search` ranks lexically (BM25 over Chinese-aware tokens) with no model at all.');
  if (!chatConfigured) {
    lines.push(
      'To answer questions, configure a chat model, e.g. an OpenAI-compatible server (Ollama, vLLM, llama.cpp server):',
      '  HANGJIA_MODEL_PROVIDER=openai-compatible HANGJIA_BASE_URL=http://127.0.0.1:11434/v1 HANGJIA_MODEL=qwen2.5:7b-instruct',
      'or a local GGUF file run in-process (needs the optional package node-llama-cpp):',
      '  HANGJIA_MODEL_PROVIDER=llama-cpp HANGJIA_MODEL_PATH=models/qwen2.5-1.5b-instruct-q4_k_m.gguf',
    );
  }
  if (!embeddingConfigured) {
    lines.push(
      'For hybrid (lexical + vector) search, configure an embedding model:',
      '  HANGJIA_EMBEDDING_PROVIDER=openai-compatible HANGJIA_EMBEDDING_MODEL=bge-m3 (the base URL defaults to HANGJIA_BASE_URL)',
    );
  }
  lines.push(
    'The same settings can live in hangjia.config.yaml (here) or $HANGJIA_HOME/config.yaml, e.g.:',
    '  model:',
    '    provider: openai-compatible',
    '    baseURL: http://127.0.0.1:11434/v1',
    '    model: qwen2.5:7b-instruct',
    'Keep API keys in HANGJIA_API_KEY rather than in files. `hangjia config show` prints every setting and where it came from.',
  );
  for (const line of lines) terminal.out(line);
}
