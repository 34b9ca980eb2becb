#!/usr/bin/env node
// Replaces the npm tarball each generated Go module embeds (jsii/<name>-<version>.tgz) with the
// package's published tarball, checked against the integrity package-lock.json records. The Go
// code of a provider is generated from a pruned assembly (prune-assembly.js); the runtime must
// still load the real package.
//
//   node scripts/go/published-tarballs.js <dir of generated Go modules> <npm package>...
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [modulesDir, ...packages] = process.argv.slice(2);
const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package-lock.json'), 'utf8'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'published-'));
const embedded = fs
  .readdirSync(modulesDir)
  .flatMap((m) => (fs.existsSync(path.join(modulesDir, m, 'jsii')) ? fs.readdirSync(path.join(modulesDir, m, 'jsii')).filter((f) => f.endsWith('.tgz')).map((f) => path.join(modulesDir, m, 'jsii', f)) : []));

for (const name of packages) {
  const locked = lock.packages[`node_modules/${name}`];
  if (!locked?.integrity) throw new Error(`${name}: package-lock.json records no integrity`);
  const file = `${name.replace(/^@/, '').replace('/', '-')}-${locked.version}.tgz`;
  const target = embedded.find((e) => path.basename(e) === file);
  if (!target) throw new Error(`${name}: no generated module embeds ${file}`);
  // `npm pack <spec>` writes the registry's tarball as published (from npm's cache when there).
  execFileSync('npm', ['pack', `${name}@${locked.version}`, '--pack-destination', scratch, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = fs.readFileSync(path.join(scratch, file));
  const [algorithm, expected] = locked.integrity.split('-');
  const actual = crypto.createHash(algorithm).update(tarball).digest('base64');
  if (actual !== expected) throw new Error(`${name}@${locked.version}: the tarball's ${algorithm} is ${actual}, package-lock.json records ${expected}`);
  fs.writeFileSync(target, tarball);
  console.log(`${path.relative(process.cwd(), target)}: ${name}@${locked.version} as published (${algorithm} checked, ${(tarball.length / 1e6).toFixed(1)} MB)`);
}
fs.rmSync(scratch, { recursive: true, force: true });
