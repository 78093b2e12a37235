import { defineCommand } from 'citty';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer, HangjiaService } from '../../server/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'mcp', description: 'Serve the knowledge bases to an MCP host over stdio (tools: search, ask, list_knowledge_bases, get_chunk)' },
  args: {
    key: { type: 'string', description: 'Act as this API key (its knowledge bases and access groups); needed once keys exist. Default $HANGJIA_SERVER_KEY' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    // stdout is the protocol channel: everything else goes to stderr.
    const { session, loaded } = openSession(data, { ...args, quiet: true });
    const service = new HangjiaService({ config: loaded.config });
    const key = args.key ?? session.env['HANGJIA_SERVER_KEY'];
    const principal = service.authenticate(key ? `Bearer ${key}` : undefined);
    const server = createMcpServer(service, principal);
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      server.server.onclose = resolve;
      // The host ends the session by closing our stdin.
      process.stdin.once('end', resolve);
    });
    await server.connect(transport);
    await closed;
    await server.close();
    await service.close();
  },
});
