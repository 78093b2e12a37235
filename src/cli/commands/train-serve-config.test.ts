import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import { loadConfig } from '../../config/index.js';
import { createLanguageModelFromConfig } from '../../presets/index.js';
import { createLlamaCppChatModel } from '../../providers/index.js';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

// Only the factory is watched: no adapter or runtime is loaded, since there is no real adapter here.
vi.mock('../../providers/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../providers/index.js')>();
  return { ...original, createLlamaCppChatModel: vi.fn(original.createLlamaCppChatModel) };
});

const temporaryDirectory = useTemporaryDirectories();

function adapterFolder(): string {
  const directory = temporaryDirectory();
  writeFiles(directory, {
    'saves/run1/adapter_config.json': JSON.stringify({ base_model_name_or_path: 'Qwen/Qwen2.5-7B-Instruct', peft_type: 'LORA', r: 32, lora_alpha: 64 }),
    'saves/run1/adapter_model.safetensors': '',
    'recipe.yaml': 'model_name_or_path: Qwen/Qwen2.5-7B-Instruct\nstage: sft\noutput_dir: saves/run1\n',
  });
  return directory;
}

describe('hangjia train serve-config', () => {
  it('prints the GGUF conversion, the llama-cpp settings, and the vLLM command with the adapter rank', async () => {
    const directory = adapterFolder();
    const adapter = path.join(directory, 'saves/run1');
    const run = await runCliCaptured(['train', 'serve-config', 'recipe.yaml'], { home: directory, cwd: directory });
    expect([run.code, run.stderr]).toEqual([0, '']);
    const lines = run.stdout.split('\n');
    expect(lines).toContain(`python llama.cpp/convert_lora_to_gguf.py ${adapter} --base-model-id Qwen/Qwen2.5-7B-Instruct --outfile ${adapter}/adapter.gguf --outtype f16`);
    // vLLM's default --max-lora-rank is 16; this adapter has rank 32.
    expect(lines).toContain(`vllm serve Qwen/Qwen2.5-7B-Instruct --enable-lora --lora-modules hangjia-lora=${adapter} --max-lora-rank 32 --port 8000`);
    expect(lines).toContain(`# or: HANGJIA_MODEL_PROVIDER=llama-cpp HANGJIA_MODEL_PATH=<base.gguf> HANGJIA_LORA_PATH=${adapter}/adapter.gguf`);
  });

  it('the printed llama-cpp settings reach createLlamaCppChatModel as loraPath (and the vLLM ones as an endpoint)', async () => {
    const directory = adapterFolder();
    const run = await runCliCaptured(['train', 'serve-config', 'saves/run1', '--json'], { home: directory, cwd: directory });
    const guide = JSON.parse(run.stdout) as { adapterFound: boolean; llamaCpp: { config: Record<string, string> }; vllm: { config: Record<string, string> } };
    expect(guide.adapterFound).toBe(true);
    // What a user pastes into hangjia.config.yaml, with the base GGUF placeholder filled in.
    const base = path.join(directory, 'qwen2.5-7b-instruct-q4_k_m.gguf');
    writeFiles(directory, { 'hangjia.config.yaml': YAML.stringify({ model: { ...guide.llamaCpp.config, modelPath: base } }) });
    const { config } = loadConfig({ env: {}, cwd: directory });
    createLanguageModelFromConfig(config.model);
    expect(vi.mocked(createLlamaCppChatModel)).toHaveBeenLastCalledWith({ modelPath: base, loraPath: path.join(directory, 'saves/run1/adapter.gguf') });
    // The environment route: HANGJIA_LORA_PATH alone, over a file without loraPath.
    fs.writeFileSync(path.join(directory, 'hangjia.config.yaml'), YAML.stringify({ model: { provider: 'llama-cpp', modelPath: base } }));
    createLanguageModelFromConfig(loadConfig({ env: { HANGJIA_LORA_PATH: '/adapters/law.gguf' }, cwd: directory }).config.model);
    expect(vi.mocked(createLlamaCppChatModel)).toHaveBeenLastCalledWith({ modelPath: base, loraPath: '/adapters/law.gguf' });
    expect(guide.vllm.config).toEqual({ provider: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', model: 'hangjia-lora' });
  });

  it('warns when the adapter is not there yet', async () => {
    const directory = temporaryDirectory();
    const run = await runCliCaptured(['train', 'serve-config', 'saves/none', '--base', 'Qwen/Qwen2.5-7B-Instruct'], { home: directory, cwd: directory });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`warning: no adapter_config.json in ${path.join(directory, 'saves/none')} yet; these steps apply once training has saved the adapter there.\n`);
  });
});
