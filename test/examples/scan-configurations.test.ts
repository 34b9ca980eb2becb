import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SCAN_CONFIGURATIONS, synthConfiguration } from '../../scripts/scan-configurations';

// checkov scans these besides the examples (npm run scan); here they must synthesize in
// production mode with no policy finding, warnings included.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-scan-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('there are private-default and SSO configurations for every cloud', () => {
  expect(Object.keys(SCAN_CONFIGURATIONS).sort()).toEqual([
    'aws-private-default',
    'aws-sso',
    'azure-private-default',
    'azure-sso',
    'gcp-private-default',
    'gcp-sso',
  ]);
});

test.each(Object.keys(SCAN_CONFIGURATIONS))('%s synthesizes with no policy findings', (name) => {
  const outdir = path.join(tmp, name);
  const files = synthConfiguration(name, outdir);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  expect(Object.keys(files)).toEqual([name]);
  expect(manifest.stacks[name].annotations).toEqual([]);
  const stack = JSON.parse(fs.readFileSync(files[name], 'utf8'));
  expect(Object.keys(stack.terraform.backend)).toEqual([name.startsWith('gcp') ? 'gcs' : name.startsWith('aws') ? 's3' : 'azurerm']);
});
