import { HangjiaError } from '../../errors/index.js';
import { assertSupportedJsonSchema, type JsonSchema } from '../../models/index.js';
import type { ReasoningTool } from './reasoning-tool.js';

/** A user tool from config (`reasoning.tools`): called by POSTing the arguments as JSON to `url`. */
export interface HttpToolSpecification {
  /** `^[a-zA-Z0-9_-]{1,64}$`, not a built-in tool's name. */
  name: string;
  description: string;
  /** JSON schema of the arguments (the subset `generateObject` supports). */
  parameters: JsonSchema;
  /** `http(s)://` on loopback (127.0.0.1, ::1, localhost) or on a host of `reasoning.allowedHosts`. */
  url: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/u;
/** Characters of an endpoint's reply passed to the model. */
const MAX_RESULT_CHARACTERS = 4000;

/**
 * Checks user tool specifications and makes them tools. Throws `E_CONFIG` naming the tool and the
 * setting for a bad name, schema or URL, and for a host that is neither loopback nor allow-listed:
 * the model chooses the arguments, so a tool must not reach hosts the user did not name.
 */
export function createHttpTools(
  specifications: readonly unknown[],
  options: { allowedHosts?: readonly string[]; reservedNames?: readonly string[]; timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): ReasoningTool[] {
  const allowed = new Set((options.allowedHosts ?? []).map((host) => host.toLowerCase()));
  const names = new Set(options.reservedNames ?? []);
  return specifications.map((raw, index) => {
    const bad = (problem: string): never => {
      throw new HangjiaError('E_CONFIG', `reasoning.tools[${index}]: ${problem}`, { details: { setting: `reasoning.tools[${index}]`, value: raw } });
    };
    const spec = (typeof raw === 'object' && raw !== null ? raw : bad('must be an object with name, description, parameters and url')) as Partial<HttpToolSpecification>;
    if (typeof spec.name !== 'string' || !TOOL_NAME.test(spec.name)) bad(`name must match ${TOOL_NAME.source}; got ${JSON.stringify(spec.name)}`);
    if (names.has(spec.name!)) bad(`the name "${spec.name}" is already taken by another tool`);
    names.add(spec.name!);
    if (typeof spec.description !== 'string' || spec.description.trim() === '') bad('description must be a non-empty string');
    if (typeof spec.parameters !== 'object' || spec.parameters === null || spec.parameters.type !== 'object') bad('parameters must be a JSON schema of type "object"');
    try {
      assertSupportedJsonSchema(spec.parameters!);
    } catch (error) {
      bad(`parameters: ${(error as Error).message}`);
    }
    let url: URL;
    try {
      url = new URL(String(spec.url));
    } catch {
      return bad(`url must be an http(s) URL; got ${JSON.stringify(spec.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') bad(`url must be http or https; got ${url.protocol}`);
    const host = url.hostname.toLowerCase();
    if (!LOOPBACK.has(host) && !allowed.has(host)) bad(`host "${host}" is neither loopback nor listed in reasoning.allowedHosts`);
    const fetchFunction = options.fetch ?? globalThis.fetch;
    const timeoutMs = options.timeoutMs ?? 30_000;
    return {
      definition: { name: spec.name!, description: spec.description!, parameters: spec.parameters! },
      async run(args, { signal }) {
        const timeout = AbortSignal.timeout(timeoutMs);
        const response = await fetchFunction(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(args),
          signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        }).catch((cause: unknown) => {
          throw new HangjiaError('E_TOOL_HTTP', `Tool ${spec.name} could not reach ${url.href}: ${(cause as Error).message}`, { cause, isRetryable: true, details: { tool: spec.name, url: url.href } });
        });
        const text = await response.text();
        if (!response.ok) {
          throw new HangjiaError('E_TOOL_HTTP', `Tool ${spec.name} answered HTTP ${response.status}: ${text.slice(0, 200)}`, { details: { tool: spec.name, url: url.href, status: response.status } });
        }
        return text.length > MAX_RESULT_CHARACTERS ? `${text.slice(0, MAX_RESULT_CHARACTERS)}…` : text;
      },
    };
  });
}
