import { workerdBenchConfig } from '../workerd-config.js';

export default await workerdBenchConfig(new URL('./', import.meta.url));
