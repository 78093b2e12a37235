import { defineCommand } from 'citty';
import { describeConfig } from '../../config/index.js';
import { COMMON_ARGS, openSession } from '../_session.js';

export default defineCommand({
  meta: { name: 'show', description: 'Print every setting with the layer it came from (flag, env, file, default)' },
  args: { ...COMMON_ARGS },
  run({ args, data }) {
    const { terminal, loaded } = openSession(data, args);
    const rows = describeConfig(loaded);
    if (terminal.json) return terminal.outJson(rows.map(([key, value, source]) => ({ key, value, source })));
    const width = Math.max(...rows.map(([key]) => key.length));
    for (const [key, value, source] of rows) terminal.out(`${key.padEnd(width)}  ${value}  (${source})`);
  },
});
