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
