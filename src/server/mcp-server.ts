import { readFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { HangjiaError } from '../errors/index.js';
import type { Principal } from '../access/index.js';
import { errorResponse } from './error-response.js';
import { answerToJson } from '../answer/index.js';
import type { HangjiaService } from './hangjia-service.js';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The MCP tools over a `HangjiaService`, bound to one caller: `search`, `ask`,
 * `list_knowledge_bases`, `get_chunk`. They go through the same service functions as the HTTP
 * routes, so the same key sees the same knowledge bases and documents on both. A failure is a
 * tool result with `isError` and the same message and code the HTTP API would give.
 *
 * Served over stdio by `hangjia mcp` and over streamable HTTP at `/mcp` by `hangjia serve`.
 */
export function createMcpServer(service: HangjiaService, principal: Principal): McpServer {
  const server = new McpServer({ name: 'hangjia', version: packageVersion });

  server.registerTool(
    'list_knowledge_bases',
    { description: 'The knowledge bases you may search, with their sizes.', inputSchema: {} },
    async () => run(async () => ({ knowledgeBases: await service.listKnowledgeBases(principal) })),
  );

  server.registerTool(
    'search',
    {
      description: 'Search a knowledge base; hits come with chunk ids (for get_chunk), document titles, heading paths, character offsets and text.',
      inputSchema: { kb: z.string().describe('Knowledge base name'), query: z.string().describe('What to look for'), k: z.number().int().min(1).max(50).optional().describe('Hits (default 5)') },
    },
    async ({ kb, query, k }) => run(() => service.search(principal, kb, { query, ...(k === undefined ? {} : { k }) })),
  );

  server.registerTool(
    'ask',
    {
      description: 'Answer a question from a knowledge base, with [n] citations to its passages; refuses when the knowledge base does not cover the question.',
      inputSchema: { kb: z.string().describe('Knowledge base name'), question: z.string().describe('The question') },
    },
    async ({ kb, question }, extra) =>
      run(async () => {
        const { stream, release } = await service.ask(principal, kb, { question, signal: extra.signal });
        try {
          return answerToJson(await stream.answer, kb, 'summary');
        } finally {
          release();
        }
      }, (result) => (result as { answer: string }).answer),
  );

  server.registerTool(
    'get_chunk',
    {
      description: 'A chunk by its id (from search or a citation): its text, document, heading path and character offsets.',
      inputSchema: { id: z.string().describe('Chunk id'), kb: z.string().optional().describe('Knowledge base name (default: every one you may read)') },
    },
    async ({ id, kb }) => run(() => service.getChunk(principal, kb, id)),
  );

  return server;
}

/** The tool's result as JSON text (plus a plain-text lead where one reads better), or its error as the API words it. */
async function run(work: () => Promise<unknown>, lead?: (result: unknown) => string): Promise<CallToolResult> {
  try {
    const result = await work();
    return {
      content: [...(lead ? [{ type: 'text' as const, text: lead(result) }] : []), { type: 'text' as const, text: JSON.stringify(result, null, 2) }],
    };
  } catch (error) {
    if (!HangjiaError.is(error)) throw error;
    const { body } = errorResponse(error);
    return { isError: true, content: [{ type: 'text', text: `${body.error.message} [${body.error.code}]` }] };
  }
}
