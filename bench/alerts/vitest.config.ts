import { mergeConfig } from 'vitest/config';
import { workerdBenchConfig } from '../workerd-config.js';

// the workerd bench config, with a Node receiver for the notifications
export default mergeConfig(await workerdBenchConfig(new URL('./', import.meta.url)), {
  test: { globalSetup: [new URL('./global-setup.ts', import.meta.url).pathname] },
});
