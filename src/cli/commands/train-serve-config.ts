import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import YAML from 'yaml';
import { adapterServingGuide, readRecipe } from '../../training/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'serve-config', description: 'Print how to serve a trained LoRA adapter: GGUF LoRA for in-process llama.cpp, or vLLM --lora-modules' },
  args: {
    target: { type: 'positional', description: "The run's output_dir, or its recipe YAML", required: true },
    base: { type: 'string', description: "Base model id or directory (default: from the recipe or the adapter's adapter_config.json)" },
    name: { type: 'string', description: 'Model name vLLM serves the adapter under (default hangjia-lora)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal } = openSession(data, args);
    const target = path.resolve(session.cwd, args.target);
    const fromRecipe = fs.existsSync(target) && fs.statSync(target).isFile() ? readRecipe(target, session.cwd) : undefined;
    const baseModel = args.base ?? fromRecipe?.model;
    const guide = adapterServingGuide({ adapterDir: fromRecipe?.outputDir ?? target, ...(baseModel ? { baseModel } : {}), ...(args.name ? { adapterName: args.name } : {}) });
    if (terminal.json) return terminal.outJson(guide);
    if (!guide.adapterFound) terminal.warn(`warning: no adapter_config.json in ${guide.adapterDir} yet; these steps apply once training has saved the adapter there.`);
    terminal.out(`# 1. In process with llama.cpp (model.provider: llama-cpp)`);
    terminal.out(`# Convert the LoRA to GGUF with llama.cpp's script (git clone https://github.com/ggml-org/llama.cpp; pip install -r llama.cpp/requirements.txt):`);
    terminal.out(guide.llamaCpp.convert);
    terminal.out(`# Then in hangjia.config.yaml (modelPath: the same base model as GGUF, from convert_hf_to_gguf.py; any quantization):`);
    terminal.out(YAML.stringify({ model: guide.llamaCpp.config }).trimEnd());
    terminal.out(`# or: HANGJIA_MODEL_PROVIDER=llama-cpp HANGJIA_MODEL_PATH=<base.gguf> HANGJIA_LORA_PATH=${guide.llamaCpp.ggufFile}`);
    terminal.out('');
    terminal.out(`# 2. Over HTTP with vLLM (model.provider: openai-compatible)`);
    terminal.out(guide.vllm.serve);
    terminal.out(`# Then in hangjia.config.yaml:`);
    terminal.out(YAML.stringify({ model: guide.vllm.config }).trimEnd());
    terminal.out('');
    terminal.out(`# Check either with: hangjia models test`);
  },
});
