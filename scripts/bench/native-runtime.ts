/**
 * onnxruntime-node for the benchmark's native reference, installed on demand.
 *
 * It is not a dependency of the project: its install script downloads extra
 * binaries from a host that may be unreachable, which would make a plain
 * `npm install` fail. The CPU binaries the benchmark needs ship inside the
 * package, so the first `npm run bench` installs it once, with install
 * scripts off, into node_modules/.cache/, and later runs reuse that copy.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const NATIVE_PACKAGE = 'onnxruntime-node@1.30.0';

/** The part of onnxruntime-node's API the benchmark uses; onnxruntime-web declares the same shapes. */
export type NativeOrt = Pick<typeof import('onnxruntime-web'), 'InferenceSession' | 'Tensor'>;

let loaded: NativeOrt | null = null;

export async function loadNativeOrt(root: string, log: (message: string) => void): Promise<NativeOrt> {
  if (loaded) return loaded;
  const prefix = join(root, 'node_modules/.cache/utter-bench-native');
  const entry = join(prefix, 'node_modules/onnxruntime-node/package.json');
  if (!existsSync(entry)) {
    log(`installing ${NATIVE_PACKAGE} for the native reference (once, install scripts off) into ${prefix}`);
    mkdirSync(prefix, { recursive: true });
    const npm = process.env.npm_execpath;
    const [command, args] = npm
      ? [process.execPath, [npm]]
      : [process.platform === 'win32' ? 'npm.cmd' : 'npm', [] as string[]];
    try {
      execFileSync(
        command,
        [
          ...args,
          'install',
          '--prefix',
          prefix,
          '--no-save',
          '--no-package-lock',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          NATIVE_PACKAGE,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    } catch (error) {
      const detail = error instanceof Error && 'stderr' in error ? String(error.stderr).trim().split('\n').pop() : '';
      throw new Error(`the native reference needs ${NATIVE_PACKAGE}, and installing it failed: ${detail}`);
    }
  }
  const require = createRequire(entry);
  loaded = require('onnxruntime-node') as NativeOrt;
  return loaded;
}
