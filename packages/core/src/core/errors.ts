import * as path from 'path';

/**
 * The directories of this library's packages: the core's, and each cloud package's as it
 * registers (`addLibraryRoot`). Frames of code under `<root>/lib` (or `<root>/src`, where a
 * source map points) are the library's own.
 */
const ROOTS = new Set<string>([path.resolve(__dirname, '..', '..')]);

/** Records a cloud package's directory, so its frames leave error stacks too. @internal */
export function addLibraryRoot(dir: string): void {
  ROOTS.add(path.resolve(dir));
}

function isLibraryFrame(frame: string): boolean {
  for (const root of ROOTS) {
    if (frame.includes(`${root}${path.sep}lib${path.sep}`) || frame.includes(`${root}${path.sep}src${path.sep}`)) return true;
  }
  return false;
}

/**
 * The library's error for a wrong use (a prop, a value, a call): its message says what is wrong
 * and how to fix it, and its stack starts at the caller's code, not inside the library. A
 * runner that prints the first frame's source (ts-node, source-map-support) then shows the
 * user's line, never a file of `src/` the package does not ship.
 *
 * @internal
 */
export function usageError(message: string): Error {
  const error = new Error(message);
  const [head, ...frames] = (error.stack ?? '').split('\n');
  const own = frames.filter((f) => !isLibraryFrame(f));
  if (own.length < frames.length) error.stack = [head, ...own].join('\n');
  return error;
}
