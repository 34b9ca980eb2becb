#!/usr/bin/env node
// `prepack` of every package: a tarball is made from a current jsii build, never without lib/.
// Compiles the package (and the core first, which a cloud package is compiled against) when its
// assembly is missing or older than a source file; does nothing when the build is current, so
// jsii-pacmak, which packs the packages in parallel, never recompiles one under another.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(packageDir, builtAgainst) {
  const assembly = path.join(packageDir, '.jsii');
  const newestInput = Math.max(newestSource(path.join(packageDir, 'src')), builtAgainst ? fs.statSync(path.join(builtAgainst, '.jsii')).mtimeMs : 0);
  const current = fs.existsSync(assembly) && fs.existsSync(path.join(packageDir, 'lib', 'index.js')) && fs.statSync(assembly).mtimeMs >= newestInput;
  if (current) return;
  console.error(`prepack: ${path.basename(packageDir)} is not built (or older than its sources or the core); compiling`);
  execFileSync('npx', ['projen', 'compile'], { cwd: packageDir, stdio: 'inherit' });
}

/**
 * npm workspaces hoist dependencies to the repository's node_modules, where `npm pack` does not
 * look for bundled ones: copy each into the package's own node_modules first, so the tarball
 * carries it (a missing bundle fails only at run time, in the jsii kernel).
 */
function placeBundled(packageDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  for (const dep of manifest.bundledDependencies ?? []) {
    const own = path.join(packageDir, 'node_modules', dep);
    const found = path.dirname(require.resolve(`${dep}/package.json`, { paths: [path.dirname(packageDir)] }));
    const version = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
    if (fs.existsSync(path.join(own, 'package.json')) && version(own) === version(found)) continue;
    fs.rmSync(own, { recursive: true, force: true });
    fs.cpSync(found, own, { recursive: true, dereference: true });
  }
}

const here = process.cwd();
const core = path.resolve(__dirname, '..', 'packages', 'core');
if (here !== core) ensureBuilt(core);
ensureBuilt(here, here !== core ? core : undefined);
placeBundled(here);
// The core ships the repository's nix/ as it is now, whenever it was compiled.
if (here === core) {
  fs.rmSync(path.join(core, 'nix'), { recursive: true, force: true });
  fs.cpSync(path.resolve(core, '..', '..', 'nix'), path.join(core, 'nix'), { recursive: true });
}
