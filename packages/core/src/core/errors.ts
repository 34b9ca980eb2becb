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
  // The library's own frames would fill Node's default of 10 (a fleet member is nine deep) and
  // leave none of the caller's: record more, drop the library's, keep as many as Node would.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.max(typeof limit === 'number' ? limit : 10, 10) + 100;
  let error: Error;
  try {
    error = new Error(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const [head, ...frames] = (error.stack ?? '').split('\n');
  const own = frames.filter((f) => !isLibraryFrame(f));
  if (own.length < frames.length) error.stack = [head, ...own.slice(0, typeof limit === 'number' ? limit : 10)].join('\n');
  return error;
}
