// Types of build/self-contained.mjs, for the tests that run it on small programs.
export class BuildAssumptionError extends Error {}
export interface BundledFile {
  name: string;
  path: string;
}
export function bundledFiles(runtime: string): BundledFile[];
export function compileLauncher(sourceDir: string, workDir: string): Buffer;
export function makeSelfContained(options: { input: string; output: string; runtime: string; launcherCode: Buffer }): {
  files: (BundledFile & { size: number })[];
  added: number;
};
