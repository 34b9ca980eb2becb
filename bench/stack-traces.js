// Preloaded by bench/tokens.sh, for measurement only: counts the stack traces cdktf captures
// (one per reference token and per complex-attribute object a provider class builds) and, with
// ML_BENCH_SKIP_STACK_TRACES=1, skips capturing them, to show what they cost. Prints the count
// to stderr at exit.
const path = require('path');
const stackTrace = require(path.join(__dirname, '..', 'node_modules', 'cdktf', 'lib', 'tokens', 'private', 'stack-trace.js'));
const capture = stackTrace.captureStackTrace;
const skip = process.env.ML_BENCH_SKIP_STACK_TRACES === '1';
let count = 0;
stackTrace.captureStackTrace = function (below) {
  count++;
  return skip ? [] : capture(below || stackTrace.captureStackTrace);
};
process.on('exit', () => process.stderr.write(`${JSON.stringify({ stackTraces: count })}\n`));
