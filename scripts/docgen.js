#!/usr/bin/env node
// Writes API.md for the package in the current directory, as `jsii-docgen -o API.md` would.
// jsii-docgen looks for the dependencies' assemblies under the package's own node_modules;
// npm workspaces hoist them to the repository's, so this collects the package's assembly and
// its dependency closure into a scratch directory and documents from there.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Documentation, Language } = require('jsii-docgen');

async function main() {
  const packageDir = process.cwd();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'docgen-'));
  const seen = new Set();
  const add = (dir) => {
    const assembly = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf8'));
    if (seen.has(assembly.name)) return;
    seen.add(assembly.name);
    const into = path.join(scratch, assembly.name);
    fs.mkdirSync(into, { recursive: true });
    fs.symlinkSync(path.join(dir, '.jsii'), path.join(into, '.jsii'));
    for (const dep of Object.keys(assembly.dependencies ?? {})) {
      add(path.dirname(require.resolve(`${dep}/package.json`, { paths: [dir] })));
    }
  };
  add(packageDir);
  const name = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).name;
  try {
    const docs = await Documentation.forAssembly(name, scratch);
    const markdown = await docs.toMarkdown({ language: Language.TYPESCRIPT });
    fs.writeFileSync(path.join(packageDir, 'API.md'), markdown.render());
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
