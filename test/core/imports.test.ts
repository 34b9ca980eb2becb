import * as fs from 'fs';
import * as path from 'path';

const SRC = path.resolve(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const imports = sources(SRC).flatMap((file) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/from '(@cdktf\/provider-[^']+)'/g)].map((m) => ({
    file: path.relative(SRC, file),
    module: m[1],
  })),
);

test('provider packages are imported', () => {
  expect(imports.length).toBeGreaterThan(10);
});

test('every provider import is a deep import of one resource, never the barrel', () => {
  const barrels = imports.filter((i) => !/^@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+$/.test(i.module));
  expect(barrels).toEqual([]);
});

test('only src/clouds imports provider packages', () => {
  const outside = imports.filter((i) => !i.file.startsWith(`clouds${path.sep}`));
  expect(outside).toEqual([]);
});

/** Every relative import of a file, as a path relative to src/. */
const relativeImports = sources(SRC).flatMap((file) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/^import [^;]*?from '(\.[^']+)'|^import '(\.[^']+)'/gm)].map((m) => ({
    file: path.relative(SRC, file),
    target: path.relative(SRC, path.resolve(path.dirname(file), m[1] ?? m[2])),
  })),
);

test('no front door imports a cloud: only its resource types (the escape hatches)', () => {
  const frontDoors = relativeImports.filter((i) => ['workspace', 'fleet', 'network'].some((dir) => i.file.startsWith(`${dir}${path.sep}`)));
  expect(frontDoors.length).toBeGreaterThan(5);
  const intoClouds = frontDoors.filter((i) => i.target.startsWith(`clouds${path.sep}`));
  expect(intoClouds.filter((i) => !/^clouds\/(gcp|aws|azure)\/resources$|^clouds\/common\/built$/.test(i.target.split(path.sep).join('/')))).toEqual([]);
});

test('no cloud imports a front door', () => {
  const fromClouds = relativeImports.filter((i) => i.file.startsWith(`clouds${path.sep}`));
  expect(fromClouds.length).toBeGreaterThan(20);
  // Not even a front door's helpers: clouds build on core/, host/ (the contract), nixos/ and policy/.
  const frontDoors = /^(workspace|network|fleet)\//;
  expect(fromClouds.filter((i) => frontDoors.test(i.target.split(path.sep).join('/')))).toEqual([]);
});
