import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

// vitest globalSetup of the e2e project: a folder for the run's app builds (one per transport,
// made by the first test file that needs it; support/app-build.ts), removed at the end.

declare module 'vitest' {
  export interface ProvidedContext {
    appBuilds: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-builds-'));
  project.provide('appBuilds', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
