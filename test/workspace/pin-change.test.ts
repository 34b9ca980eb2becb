/**
 * Rolling machines to another nixpkgs must not replace them: a new pin changes only the machine
 * document and the VM's nixpkgs label, and each cloud carries the document in an attribute its
 * provider updates in place (GCP instance metadata, EC2 user data with
 * user_data_replace_on_change false, Azure user_data rather than custom_data).
 */
import { NixpkgsPin } from 'cdktf-ml-workspace';
import { azureWorkspace, gcpWorkspace } from '../util';
import { awsWorkspace } from './aws-util';

const NEXT = NixpkgsPin.of({ rev: '0c88e1f2bdb93d5999019e99cb0e61e1fe2af4c5', narHash: 'sha256-q/nkKLDtHIyLjZpKhWk3cSK5IYsFqtMd6UtXF3ddjgA=' });

/** The keys whose values differ between two objects. */
const changed = (a: Record<string, any>, b: Record<string, any>) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();

test('GCP: only the metadata document and the label change; nothing is a startup script', () => {
  const [before, after] = [gcpWorkspace(), gcpWorkspace({ nixpkgs: NEXT })].map((s) => s.one('google_compute_instance'));
  expect(changed(before, after)).toEqual(['labels', 'metadata']);
  expect(changed(before.metadata, after.metadata)).toEqual(['ml-workspace-config']);
  expect(after.labels['ml-workspace-nixpkgs']).toBe(NEXT.rev);
  expect(after).not.toHaveProperty('metadata_startup_script');
});

test('AWS: only the user data and the tag change, and a user-data change does not replace the instance', () => {
  const [before, after] = [awsWorkspace(), awsWorkspace({ nixpkgs: NEXT })].map((s) => s.one('aws_instance'));
  expect(changed(before, after)).toEqual(['tags', 'user_data']);
  expect(after.tags['ml-workspace-nixpkgs']).toBe(NEXT.rev);
  expect(after.user_data_replace_on_change).toBe(false);
});

test('Azure: only the tag changes on the VM (the document is a local its user_data reads); no custom_data', () => {
  const [b, a] = [azureWorkspace(), azureWorkspace({ nixpkgs: NEXT })];
  const [before, after] = [b, a].map((s) => s.one('azurerm_linux_virtual_machine'));
  expect(changed(before, after)).toEqual(['tags']);
  expect(after.tags['ml-workspace-nixpkgs']).toBe(NEXT.rev);
  expect(after.user_data).toMatch(/^\$\{base64encode\(local\./);
  expect(after).not.toHaveProperty('custom_data');
  expect(changed(b.json.locals, a.json.locals)).toHaveLength(1);
});
