#!/usr/bin/env node
// Builds the packages whose jsii build is missing or stale, the core first, and leaves a current
// build alone: a package is stale when its assembly is older than a file under its src/, its
// package.json, or (for a cloud package) the core's assembly it was compiled against. The
// prepack step, the binding scripts and CI use it, so one run compiles each package once.
//
//   node scripts/jsii-build.js            every package
//   node scripts/jsii-build.js gcp        the core and packages/gcp
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const PACKAGES = path.resolve(__dirname, '..', 'packages');
const CORE = path.join(PACKAGES, 'core');

function newest(p) {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(p).reduce((n, entry) => Math.max(n, newest(path.join(p, entry))), 0);
}

/** Compiles `packageDir` when its build is missing or older than its inputs; says why. */
function ensureBuilt(packageDir) {
  const against = packageDir === CORE ? [] : [path.join(CORE, '.jsii')];
  const inputs = [path.join(packageDir, 'src'), path.join(packageDir, 'package.json'), ...against];
  const assembly = path.join(packageDir, '.jsii');
  const built = fs.existsSync(assembly) && fs.existsSync(path.join(packageDir, 'lib', 'index.js'));
  if (built && fs.statSync(assembly).mtimeMs >= Math.max(...inputs.map(newest))) return false;
  const stale = packageDir === CORE ? 'older than its sources' : 'older than its sources or the core';
  console.error(`jsii-build: ${path.basename(packageDir)} is ${built ? stale : 'not built'}; compiling`);
  execFileSync('npx', ['projen', 'compile'], { cwd: packageDir, stdio: 'inherit' });
  return true;
}

/** The core, then each named package (every package when none is named). */
function buildAll(names) {
  const wanted = names.length > 0 ? names : fs.readdirSync(PACKAGES).filter((p) => p !== 'core' && fs.existsSync(path.join(PACKAGES, p, 'package.json')));
  for (const name of wanted) {
    if (!fs.existsSync(path.join(PACKAGES, name, 'package.json'))) throw new Error(`jsii-build: no package packages/${name}`);
  }
  const compiled = [CORE, ...wanted.filter((n) => n !== 'core').map((n) => path.join(PACKAGES, n))].filter(ensureBuilt);
  console.error(`jsii-build: ${compiled.length === 0 ? 'every build is current' : `compiled ${compiled.map((p) => path.basename(p)).join(', ')}`}`);
}

module.exports = { ensureBuilt, CORE };

if (require.main === module) buildAll(process.argv.slice(2));
