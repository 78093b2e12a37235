import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { readGraphSchemaText, saveGraphSchema, SCHEMA_PRESET_NAMES, SCHEMA_PRESETS, type SchemaPresetName } from '../../graph/index.js';
import { COMMON_ARGS } from '../_session.js';
import { openGraphSession } from './_graph-session.js';

export default defineCommand({
  meta: { name: 'schema', description: 'Set the graph schema of a knowledge base from a preset or a YAML file (checked; problems named by line and field), or print the current one' },
  args: {
    kb: { type: 'positional', description: 'Knowledge base name', required: true },
    file: { type: 'positional', description: 'A YAML schema file (instead of --preset)', required: false },
    preset: { type: 'string', description: `A built-in schema (${SCHEMA_PRESET_NAMES.join(' | ')}) or a YAML file` },
    print: { type: 'boolean', description: 'Print the schema (the preset given, else the current one) instead of setting it' },
    ...COMMON_ARGS,
  },
  run({ args, data }) {
    const { session, terminal, knowledgeBase } = openGraphSession(data, args);
    try {
      const choice = args.preset ?? args.file;
      let yaml: string | undefined;
      let source: string | undefined;
      if (choice !== undefined && (SCHEMA_PRESET_NAMES as string[]).includes(choice)) {
        yaml = SCHEMA_PRESETS[choice as SchemaPresetName];
        source = `preset:${choice}`;
      } else if (choice !== undefined) {
        const file = path.resolve(session.cwd, choice);
        if (!fs.existsSync(file)) {
          throw new HangjiaError('E_PATH_NOT_FOUND', `Schema file not found: ${file}. Give a YAML file or one of the presets: ${SCHEMA_PRESET_NAMES.join(', ')}.`, { details: { path: file } });
        }
        yaml = fs.readFileSync(file, 'utf8');
        source = choice;
      }
      if (yaml === undefined || args.print) {
        const shown = yaml ?? readGraphSchemaText(knowledgeBase.store)?.yaml;
        if (shown === undefined) {
          terminal.out(`Knowledge base "${args.kb}" has no graph schema: only the model-free extractors run. Set one with --preset ${SCHEMA_PRESET_NAMES.join('|')} or a YAML file.`);
          return;
        }
        if (terminal.json) return terminal.outJson({ knowledgeBase: args.kb, source: source ?? readGraphSchemaText(knowledgeBase.store)?.source, yaml: shown });
        session.streams.stdout.write(shown.endsWith('\n') ? shown : `${shown}\n`);
        return;
      }
      const schema = saveGraphSchema(knowledgeBase.store, yaml, source!);
      if (terminal.json) return terminal.outJson({ knowledgeBase: args.kb, source, schema });
      terminal.out(`Graph schema of "${args.kb}" set from ${source}: ${schema.entityTypes.length} entity types (${schema.entityTypes.map((type) => type.name).join(', ')}), ${schema.relationTypes.length} relation types.`);
      terminal.info(`Next: hangjia graph build ${args.kb}`);
    } finally {
      knowledgeBase.close();
    }
  },
});
