import { calculateExpression } from './calculate-expression.js';
import { addToDate, dateDifference, type DateUnit } from './legal-dates.js';
import { lookupArticle } from './lookup-article.js';
import type { ReasoningTool } from './reasoning-tool.js';
import { searchKnowledgeBase } from './search-within-document.js';

/** Passages `search_knowledge_base` returns when the model does not say (and the most it may ask for). */
const DEFAULT_SEARCH_K = 5;
const MAX_SEARCH_K = 10;

const searchTool: ReasoningTool = {
  definition: {
    name: 'search_knowledge_base',
    description: 'Search the knowledge base. Returns numbered passages [n]; cite them as [n] in the answer. Optionally only within one document (e.g. a law title).',
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'What to look for, in the language of the documents' },
        k: { type: 'integer', description: `Passages to return, 1–${MAX_SEARCH_K} (default ${DEFAULT_SEARCH_K})` },
        document: { type: 'string', description: 'Only search this document, by title (e.g. 民法典)' },
      },
      required: ['query'],
      additionalProperties: false,
    },
  },
  async run(args, { kb, sources, access }) {
    const k = Math.min(MAX_SEARCH_K, Math.max(1, Math.trunc(Number(args['k'] ?? DEFAULT_SEARCH_K)) || DEFAULT_SEARCH_K));
    const hits = await searchKnowledgeBase(kb, String(args['query']), { k, ...(typeof args['document'] === 'string' ? { document: args['document'] } : {}), ...(access ? { access } : {}) });
    return hits.length === 0 ? 'No passages found.' : sources.render(hits);
  },
};

const articleTool: ReasoningTool = {
  definition: {
    name: 'get_article',
    description: 'Exact text of one article of a law: get_article("民法典", "第五十四条"). Returns numbered passages [n] to cite.',
    parameters: {
      type: 'object',
      properties: { law: { type: 'string', description: 'The law title, e.g. 劳动合同法' }, article: { type: 'string', description: 'The article, e.g. 第十九条 or 19' } },
      required: ['law', 'article'],
      additionalProperties: false,
    },
  },
  async run(args, { kb, sources, access }) {
    return sources.render(lookupArticle(kb, String(args['law']), String(args['article']), access));
  },
};

const calculateTool: ReasoningTool = {
  definition: {
    name: 'calculate',
    description: 'Exact decimal arithmetic: + - * / ( ) and %, e.g. "3000*2 + 3000*0.3".',
    parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'], additionalProperties: false },
  },
  async run(args) {
    const result = calculateExpression(String(args['expression']));
    return result.exact ? result.value : `${result.value} (rounded)`;
  },
};

const UNITS = ['day', 'month', 'year'] as const;

const dateAddTool: ReasoningTool = {
  definition: {
    name: 'date_add',
    description: 'The last day of a legal period: date + amount days/months/years, counted as the Civil Code counts periods.',
    parameters: {
      type: 'object',
      properties: { date: { type: 'string', description: 'YYYY-MM-DD' }, amount: { type: 'integer' }, unit: { type: 'string', enum: UNITS } },
      required: ['date', 'amount', 'unit'],
      additionalProperties: false,
    },
  },
  async run(args) {
    const result = addToDate(String(args['date']), Number(args['amount']), args['unit'] as DateUnit);
    return `${result.date}（${result.note}）`;
  },
};

const dateDiffTool: ReasoningTool = {
  definition: {
    name: 'date_diff',
    description: 'Days, whole months and whole years from one date to another.',
    parameters: {
      type: 'object',
      properties: { from: { type: 'string', description: 'YYYY-MM-DD' }, to: { type: 'string', description: 'YYYY-MM-DD' } },
      required: ['from', 'to'],
      additionalProperties: false,
    },
  },
  async run(args) {
    return JSON.stringify(dateDifference(String(args['from']), String(args['to'])));
  },
};

/** The tools every agent has: search, statute lookup, calculator, legal dates. */
export const BUILT_IN_TOOLS: readonly ReasoningTool[] = [searchTool, articleTool, calculateTool, dateAddTool, dateDiffTool];
