import { defineCommand } from 'citty';
import { HangjiaService, startServer } from '../../server/index.js';
import { COMMON_ARGS, numberFlag, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'serve', description: 'Serve every knowledge base over HTTP: OpenAI-compatible /v1, REST /api, MCP at /mcp, OpenAPI at /openapi.json (Ctrl-C drains and stops)' },
  args: {
    host: { type: 'string', description: 'Address to listen on (default server.host, 127.0.0.1; another address needs an API key)' },
    port: { type: 'string', description: 'Port (default server.port, 8730; 0 picks a free one)' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { terminal, loaded } = openSession(data, args, {
      'server.host': args.host,
      'server.port': numberFlag('port', args.port, { min: 0, max: 65535 }),
    });
    const config = loaded.config;
    const service = new HangjiaService({ config, log: (line) => terminal.info(line) });
    // Listening for the stop signals before saying where we listen: a caller may signal as soon as it reads the address.
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    let server;
    try {
      server = await startServer(service, { host: config.server.host, port: config.server.port });
    } catch (error) {
      await service.close();
      throw error;
    }
    const names = service.registry.names();
    terminal.info(`hangjia serving ${names.length} knowledge base${names.length === 1 ? '' : 's'}${names.length ? ` (${names.join(', ')})` : ''} from ${config.home} at ${server.url}`);
    terminal.info(`  OpenAI-compatible: ${server.url}/v1 (model "kb:<name>")   REST: ${server.url}/api   MCP: ${server.url}/mcp   OpenAPI: ${server.url}/openapi.json`);
    if (!service.keysExist()) {
      terminal.info(`No API keys exist: listening on loopback only; every local caller reads everything. Create keys with "hangjia keys create" to require them.`);
    }
    if (!service.model) terminal.info('No chat model configured (model.provider is "none"): answers are extractive — quoted, cited sentences, labelled as such.');
    const signal = await stopped;
    terminal.info(`${signal}: finishing requests in flight (up to ${config.server.drainMs} ms), then stopping; unfinished jobs resume at the next start.`);
    await server.close();
    terminal.info('Stopped.');
  },
});
