import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

/** MLW-DISK1: home and data disks cannot be destroyed by a plan. */
export const DISK1: PolicyRule = {
  id: 'MLW-DISK1',
  level: PolicyLevel.ERROR,
  explanation: 'A persistent disk has no lifecycle.prevent_destroy.',
  why: "A home disk holds people's work; a rename or a mistaken destroy must not delete it.",
  check: ({ type, config }: ResolvedResource) =>
    outcome(type === 'google_compute_disk', config.lifecycle?.prevent_destroy === true),
};
