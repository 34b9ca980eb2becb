#!/usr/bin/env node
// `prepack` of every package: a tarball is made from a current jsii build, never without lib/.
// Compiles the package (and the core first, which a cloud package is compiled against) when its
// build is stale (scripts/jsii-build.js); does nothing when it is current, so jsii-pacmak, which
// packs the packages in parallel, never recompiles one under another.
const fs = require('fs');
const path = require('path');
const { ensureBuilt, CORE: core } = require('./jsii-build');

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
if (here !== core) ensureBuilt(core);
ensureBuilt(here);
placeBundled(here);
// The core ships the repository's nix/ as it is now, whenever it was compiled.
if (here === core) {
  fs.rmSync(path.join(core, 'nix'), { recursive: true, force: true });
  fs.cpSync(path.resolve(core, '..', '..', 'nix'), path.join(core, 'nix'), { recursive: true });
}
