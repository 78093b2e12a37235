/**
 * How to serve a LoRA adapter that LLaMA-Factory wrote, through hangjia's two model adapters:
 *
 * 1. In process (`model.provider: llama-cpp`): llama.cpp's `convert_lora_to_gguf.py` turns the PEFT
 *    adapter into a GGUF LoRA, applied at load time on top of a GGUF of the same base model
 *    (`model.modelPath`, any quantization) through `model.loraPath` / `HANGJIA_LORA_PATH`.
 * 2. Over HTTP (`model.provider: openai-compatible`): vLLM loads PEFT adapters directly
 *    (`--enable-lora --lora-modules name=dir`); the adapter's name is then the model name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { shellCommand } from './_shell-quote.js';

export interface AdapterServingOptions {
  /** LLaMA-Factory's output_dir (holds adapter_config.json and adapter_model.safetensors). */
  adapterDir: string;
  /** Base model id or directory; default: `base_model_name_or_path` of adapter_config.json. */
  baseModel?: string;
  /** Name the adapter is served under by vLLM (default `hangjia-lora`). */
  adapterName?: string;
  /** vLLM's port (default 8000). */
  port?: number;
}

export interface AdapterServingGuide {
  adapterDir: string;
  /** Whether adapter_config.json exists yet (false before training finished). */
  adapterFound: boolean;
  baseModel: string;
  loraRank?: number;
  llamaCpp: { ggufFile: string; convert: string; config: { provider: 'llama-cpp'; modelPath: string; loraPath: string }; env: Record<string, string> };
  vllm: { serve: string; config: { provider: 'openai-compatible'; baseURL: string; model: string } };
}

/** A placeholder the user replaces: the base model converted with convert_hf_to_gguf.py. */
export const BASE_GGUF_PLACEHOLDER = '<base model as GGUF, e.g. qwen2.5-7b-instruct-q4_k_m.gguf>';

/**
 * The commands and `hangjia.config.yaml` settings to serve the adapter in `adapterDir`.
 *
 * @example
 * const guide = adapterServingGuide({ adapterDir: 'saves/qwen2.5-7b-instruct-lora-sft' });
 * console.log(guide.llamaCpp.convert); // python convert_lora_to_gguf.py saves/… --base … --outfile …/adapter.gguf --outtype f16
 */
export function adapterServingGuide(options: AdapterServingOptions): AdapterServingGuide {
  const adapterDir = path.resolve(options.adapterDir);
  const adapterConfig = readAdapterConfig(adapterDir);
  const baseModel = options.baseModel ?? adapterConfig?.base_model_name_or_path ?? '<base model>';
  const loraRank = typeof adapterConfig?.r === 'number' ? adapterConfig.r : undefined;
  const ggufFile = path.join(adapterDir, 'adapter.gguf');
  const name = options.adapterName ?? 'hangjia-lora';
  const port = options.port ?? 8000;
  // convert_lora_to_gguf.py reads the base model's config.json: --base takes a local directory;
  // newer llama.cpp also accepts --base-model-id <hub id> and fetches only the config.
  const baseArgs = fs.existsSync(baseModel) ? ['--base', baseModel] : ['--base-model-id', baseModel];
  return {
    adapterDir,
    adapterFound: adapterConfig !== undefined,
    baseModel,
    ...(loraRank === undefined ? {} : { loraRank }),
    llamaCpp: {
      ggufFile,
      convert: shellCommand('python', ['llama.cpp/convert_lora_to_gguf.py', adapterDir, ...baseArgs, '--outfile', ggufFile, '--outtype', 'f16']),
      config: { provider: 'llama-cpp', modelPath: BASE_GGUF_PLACEHOLDER, loraPath: ggufFile },
      env: { HANGJIA_MODEL_PROVIDER: 'llama-cpp', HANGJIA_LORA_PATH: ggufFile },
    },
    vllm: {
      // vLLM refuses adapters above --max-lora-rank (default 16), so pass the adapter's rank.
      serve: shellCommand('vllm', ['serve', baseModel, '--enable-lora', '--lora-modules', `${name}=${adapterDir}`, ...(loraRank && loraRank > 16 ? ['--max-lora-rank', String(loraRank)] : []), '--port', String(port)]),
      config: { provider: 'openai-compatible', baseURL: `http://127.0.0.1:${port}/v1`, model: name },
    },
  };
}

function readAdapterConfig(adapterDir: string): { base_model_name_or_path?: string; r?: unknown } | undefined {
  const file = path.join(adapterDir, 'adapter_config.json');
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { base_model_name_or_path?: string; r?: unknown };
  } catch {
    return undefined;
  }
}
