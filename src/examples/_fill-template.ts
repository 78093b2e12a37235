import { HangjiaError } from '../errors/index.js';
import type { Example } from './example.js';

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/**
 * Replaces `{{input}}`, `{{output}}` and `{{id}}` in `template` with the example's fields, in one
 * pass (so an input that itself contains `{{output}}` is left alone). Any other placeholder is a
 * typo and throws `E_USAGE` rather than reaching the model.
 */
export function fillTemplate(template: string, example: Pick<Example, 'id' | 'input' | 'output'>): string {
  return template.replace(PLACEHOLDER, (placeholder, name: string) => {
    if (name === 'input' || name === 'output' || name === 'id') return example[name];
    throw new HangjiaError('E_USAGE', `Few-shot template placeholder ${placeholder} is unknown; use {{input}}, {{output}} or {{id}}. Template: ${JSON.stringify(template)}`, {
      details: { setting: 'template', value: template },
    });
  });
}
