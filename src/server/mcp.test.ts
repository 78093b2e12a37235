import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterEach, describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../test/support/temporary-directory.js';
import { createTestKnowledgeBase, startTestServer, type TestServer } from './__fixtures__/test-server.js';

const temporaryDirectory = useTemporaryDirectories();
const REPOSITORY = path.resolve(import.meta.dirname, '../..');

type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }> };
const jsonOf = (result: ToolResult): Record<string, unknown> => JSON.parse(result.content[result.content.length - 1]!.text) as Record<string, unknown>;

/** The same checks over either transport: the SDK's own client lists and calls every tool. */
async function exerciseTools(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name).sort()).toEqual(['ask', 'get_chunk', 'list_knowledge_bases', 'search']);

  const listed = jsonOf((await client.callTool({ name: 'list_knowledge_bases', arguments: {} })) as ToolResult);
  expect(listed).toEqual({ knowledgeBases: [{ name: 'hr', documents: 1, chunks: expect.any(Number), characters: expect.any(Number) }] });

  const search = jsonOf((await client.callTool({ name: 'search', arguments: { kb: 'hr', query: '年休假', k: 2 } })) as ToolResult) as { hits: Array<{ chunkId: string; text: string; headingPath: string[] }> };
  expect(search.hits).toHaveLength(2);
  expect(search.hits[0]!.headingPath).toEqual(['星河网络员工手册', '第三章 休假', '第五条']);

  const chunk = jsonOf((await client.callTool({ name: 'get_chunk', arguments: { id: search.hits[0]!.chunkId } })) as ToolResult);
  expect(chunk).toMatchObject({ knowledgeBase: 'hr', id: search.hits[0]!.chunkId, text: search.hits[0]!.text, headingPath: search.hits[0]!.headingPath });

  const asked = (await client.callTool({ name: 'ask', arguments: { kb: 'hr', question: '年休假有几天？' } })) as ToolResult;
  expect(asked.content[0]!.text.startsWith('【抽取式回答】')).toBe(true);
  expect(jsonOf(asked)).toMatchObject({ kind: 'extractive', citations: [{ n: 1, chunkId: search.hits[0]!.chunkId }] });

  const missing = (await client.callTool({ name: 'search', arguments: { kb: 'payroll', query: '工资' } })) as ToolResult;
  expect(missing.isError).toBe(true);
  expect(missing.content[0]!.text).toBe('Knowledge base "payroll" does not exist (or this key may not read it). [E_KB_NOT_FOUND]');
}

describe('MCP tools', () => {
  let server: TestServer | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = server = undefined;
  });

  it('work over streamable HTTP at /mcp', async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    server = await startTestServer(home);
    client = new Client({ name: 'hangjia-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)) as Transport);
    await exerciseTools(client);
  });

  it('work over stdio with hangjia mcp', async () => {
    const home = temporaryDirectory();
    await createTestKnowledgeBase(home, temporaryDirectory(), 'hr');
    const script = `import { runCli } from ${JSON.stringify(path.join(REPOSITORY, 'src/cli/main.ts'))}; process.exitCode = await runCli(['mcp']);`;
    client = new Client({ name: 'hangjia-test', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', 'tsx', '--input-type=module', '-e', script],
        cwd: REPOSITORY,
        // The PostgreSQL test pass's store goes along, so the child finds the knowledge base where the test made it.
        env: { PATH: process.env['PATH'] ?? '', HANGJIA_HOME: home, ...(process.env['HANGJIA_TEST_STORE_URL'] ? { HANGJIA_TEST_STORE_URL: process.env['HANGJIA_TEST_STORE_URL'] } : {}) },
        stderr: 'pipe',
      }),
    );
    await exerciseTools(client);
  });
});
