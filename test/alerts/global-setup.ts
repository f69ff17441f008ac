import type { TestProject } from 'vitest/node';
import { startReceiver } from './receiver.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The alert receiver's base URL (a Node HTTP server on 127.0.0.1). */
    alertReceiver: string;
  }
}

/** Starts the alert notification receiver for the workerd suite (which cannot listen itself). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startReceiver();
  project.provide('alertReceiver', receiver.url);
  return receiver.close;
}
