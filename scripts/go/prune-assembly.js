#!/usr/bin/env node
// Writes a copy of a jsii package (package.json and .jsii) whose assembly keeps only the
// submodules that other assemblies reference, and what those reference in turn. jsii-pacmak
// then generates Go for a few submodules in seconds instead of all of them (the google provider
// alone is over 400 MB of Go). The JavaScript is not pruned: the Go module embeds the package's
// published tarball (scripts/go/bindings.sh), so the runtime loads the real provider.
//
//   node scripts/go/prune-assembly.js <package dir> <out dir> <assembly that references it>...
const fs = require('fs');
const path = require('path');

const [packageDir, outDir, ...referrers] = process.argv.slice(2);
if (!packageDir || !outDir || referrers.length === 0) {
  console.error('usage: prune-assembly.js <package dir> <out dir> <referring .jsii>...');
  process.exit(2);
}

const assembly = JSON.parse(fs.readFileSync(path.join(packageDir, '.jsii'), 'utf8'));
const name = assembly.name;
const submodules = Object.keys(assembly.submodules ?? {}).sort((a, b) => b.length - a.length);

/** The submodule a type of this assembly lives in, or '' for the assembly's root. */
function submoduleOf(fqn) {
  return submodules.find((s) => fqn.startsWith(`${s}.`)) ?? '';
}

/** Every FQN of this assembly that a JSON value refers to (`{"fqn": "..."}` anywhere in it). */
function referencedFqns(value, found = new Set()) {
  if (Array.isArray(value)) {
    for (const v of value) referencedFqns(v, found);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'fqn' && typeof v === 'string' && v.startsWith(`${name}.`)) found.add(v);
      else if (k === 'base' && typeof v === 'string' && v.startsWith(`${name}.`)) found.add(v);
      else if (k === 'interfaces' && Array.isArray(v)) v.filter((i) => typeof i === 'string' && i.startsWith(`${name}.`)).forEach((i) => found.add(i));
      else referencedFqns(v, found);
    }
  }
  return found;
}

const keep = new Set();
const queue = [];
const want = (fqn) => {
  const sub = submoduleOf(fqn);
  if (!keep.has(sub)) {
    keep.add(sub);
    queue.push(sub);
  }
};
for (const file of referrers) {
  for (const fqn of referencedFqns(JSON.parse(fs.readFileSync(file, 'utf8')).types ?? {})) want(fqn);
}
const typesBySubmodule = new Map();
for (const [fqn, type] of Object.entries(assembly.types ?? {})) {
  const sub = submoduleOf(fqn);
  if (!typesBySubmodule.has(sub)) typesBySubmodule.set(sub, []);
  typesBySubmodule.get(sub).push([fqn, type]);
}
while (queue.length) {
  const sub = queue.shift();
  for (const [, type] of typesBySubmodule.get(sub) ?? []) for (const fqn of referencedFqns(type)) want(fqn);
}
// The root always stays (the Go module's own package); a submodule keeps its parents.
keep.add('');
for (const sub of [...keep]) {
  for (const parent of submodules) if (sub.startsWith(`${parent}.`)) keep.add(parent);
}

const pruned = {
  ...assembly,
  types: Object.fromEntries(Object.entries(assembly.types ?? {}).filter(([fqn]) => keep.has(submoduleOf(fqn)))),
  submodules: Object.fromEntries(Object.entries(assembly.submodules ?? {}).filter(([s]) => keep.has(s))),
};
// The fingerprint covers the whole assembly; a pruned one is not the published one.
delete pruned.fingerprint;
pruned.fingerprint = 'pruned';

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, '.jsii'), JSON.stringify(pruned));
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
// Only the assembly: no scripts to run when pacmak packs this directory.
delete manifest.scripts;
manifest.files = ['.jsii'];
fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify(manifest, null, 2));
console.log(`${name}: ${keep.size - 1} of ${submodules.length} submodules (${Object.keys(pruned.types).length} of ${Object.keys(assembly.types ?? {}).length} types)`);
