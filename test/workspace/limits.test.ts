import { azureBuildError, buildError } from '../util';
import { awsBuildError } from './aws-util';

describe('limits a cloud would refuse at apply, and keys the library keeps', () => {
  test.each([
    ['homeDiskSizeGiB', 16385],
    ['bootDiskSizeGiB', 20000],
  ])('AWS: %s %i is more than a gp3 volume holds', (prop, size) => {
    expect(awsBuildError({ [prop]: size })).toBe(`GpuWorkspace 'alice': ${prop} ${size} is more than a gp3 volume holds on AWS (16384 GiB); use at most 16384`);
  });

  test('AWS: 16384 GiB is accepted', () => {
    expect(() => awsBuildError({ homeDiskSizeGiB: 16384 })).toThrow('expected the construct to throw');
  });

  test.each(['ml-workspace-home', 'ml-workspace_x'])("a label key starting with the library's prefix (%s) is refused", (key) => {
    expect(buildError({ labels: { [key]: 'bob' } })).toBe(
      `GpuWorkspace 'alice': labels '${key}' starts with 'ml-workspace', which the library keeps for its own keys; choose another key`,
    );
  });
});

describe('placement typos are refused with the closest region; a newer region takes an opt-in', () => {
  it.each<[string, () => string, string]>([
    [
      'GCP europe-west99',
      () => buildError({}, { region: 'europe-west99', zone: 'europe-west99-a' }),
      "GpuWorkspace 'alice': target.region 'europe-west99' is not a region this release knows; did you mean 'europe-west9'? (A region newer than this release: set target.allowUnlistedRegion: true.)",
    ],
    [
      'AWS eu-wset-1',
      () => awsBuildError({}, { region: 'eu-wset-1' }),
      "GpuWorkspace 'alice': target.region 'eu-wset-1' is not a region this release knows; did you mean 'eu-west-1'? (A region newer than this release: set target.allowUnlistedRegion: true.)",
    ],
    [
      'Azure westeruope',
      () => azureBuildError({}, { location: 'westeruope' }),
      "GpuWorkspace 'alice': target.location 'westeruope' is not a location this release knows; did you mean 'westeurope'? (A location newer than this release: set target.allowUnlistedLocation: true.)",
    ],
  ])('%s', (_name, build, message) => {
    expect(build()).toBe(message);
  });

  test('with the opt-in, an unlisted region is used as given', () => {
    expect(() => buildError({}, { region: 'europe-west99', zone: 'europe-west99-a', allowUnlistedRegion: true })).toThrow('expected the construct to throw');
    expect(() => awsBuildError({}, { region: 'eu-west-9', allowUnlistedRegion: true })).toThrow('expected the construct to throw');
    expect(() => azureBuildError({}, { location: 'westeurope3', allowUnlistedLocation: true })).toThrow('expected the construct to throw');
  });
});
