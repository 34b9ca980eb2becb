// One measurement for bench/fleet.sh: builds and synthesizes N workspaces (a third on each cloud,
// private and public mixed, the policy checks on) or a baseline of the same elements, and prints
// {wall, cpu, rss} as JSON. Both baselines replay the library's own output for that N: the same
// providers, resources and data sources, built with the prebuilt provider classes under the same
// names, plus the same locals and outputs, in one stack per cloud, with no validation, no policy
// Aspect and no machine documents to render.
//
// - typed: each element with typed props and reference tokens to the elements it names, built in
//   dependency order: what a hand-written cdktf stack of these resources pays. `describe` checks
//   every element and lists those whose typed form would synthesize differently, which are then
//   set through overrides (none, for the library's resources today).
// - baseline: every attribute through an override, no typed props, no references: a lower bound
//   for any cdktf program that synthesizes the same JSON.
//
// Only construction and synthesis are timed.
//
//   ts-node bench/fleet.ts library N OUTDIR
//   ts-node bench/fleet.ts typed N OUTDIR BASELINE.json
//   ts-node bench/fleet.ts baseline N OUTDIR BASELINE.json
//   ts-node bench/fleet.ts describe N OUTDIR BASELINE.json   (writes the baselines' input)
//   ts-node bench/fleet.ts compare N OUTDIR OTHER-OUTDIR     (fails unless both synthesized the same)
import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, GcsBackend, TerraformLocal, TerraformOutput, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import { CloudTarget, GpuWorkspace, WorkspaceAccess, WorkspaceDns, WorkspacePolicyChecks } from 'cdktf-ml-workspace';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

const [mode, nText, outdir, baselineFile] = process.argv.slice(2);
const n = Number(nText);
if (!['library', 'baseline', 'typed', 'describe', 'compare'].includes(mode) || !Number.isInteger(n) || n < 1 || !outdir) {
  console.error('usage: fleet.ts library|baseline|typed|describe|compare N OUTDIR [BASELINE.json | OTHER-OUTDIR]');
  process.exit(2);
}

fs.mkdirSync(outdir, { recursive: true });

const AZURE_IMAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-images/providers/Microsoft.Compute/images/nixos';

function libraryApp(dir: string): App {
  const app = new App({ outdir: dir });
  const clouds: [string, (i: number) => CloudTarget][] = [
    ['gcp', () => GcpTarget.of({ project: 'ml-research-sandbox', region: 'europe-west4', zone: 'europe-west4-a' })],
    ['aws', () => AwsTarget.of({ region: 'eu-west-1' })],
    ['azure', () => AzureTarget.of({ location: 'westeurope', imageId: AZURE_IMAGE, keyVaultAllowedCidrs: ['198.51.100.0/24'] })],
  ];
  clouds.forEach(([cloud, target], k) => {
    const stack = new TerraformStack(app, cloud);
    new GcsBackend(stack, { bucket: 'ml-research-tfstate', prefix: cloud });
    Aspects.of(stack).add(new WorkspacePolicyChecks());
    // N split as evenly as it goes: 10 is 4 + 3 + 3.
    for (let i = 0; i < Math.floor((n + 2 - k) / 3); i++) {
      const isPublic = i % 2 === 1;
      new GpuWorkspace(stack, `m${i}`, {
        target: target(i),
        owner: `member${i}@example.com`,
        ...(isPublic
          ? {
            access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
            ...(cloud === 'aws' ? { dns: WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: `m${i}.ml.example.com` }) } : {}),
          }
          : {}),
      });
    }
  });
  return app;
}

/** Per stack: providers, resources, data sources, locals and outputs as they were synthesized. */
interface StackDescription {
  providers: Record<string, unknown[]>;
  resources: [string, string, Record<string, unknown>][];
  data: [string, string, Record<string, unknown>][];
  locals: Record<string, unknown>;
  outputs: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
}
interface Description {
  readonly stacks: Record<string, StackDescription>;
  /** `stack/type.name` of the elements the typed baseline sets through overrides (see typedElement). */
  typedFallback?: string[];
}

const elements = (block: Record<string, Record<string, any>> | undefined): [string, string, Record<string, unknown>][] =>
  Object.entries(block ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, config]): [string, string, Record<string, unknown>] => {
      const { ['//']: _meta, ...rest } = config;
      return [type, name, rest];
    }),
  );

function describeLibrary(dir: string): Description {
  libraryApp(dir).synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const stacks: Description['stacks'] = {};
  for (const [name, s] of Object.entries<any>(manifest.stacks)) {
    const json = JSON.parse(fs.readFileSync(path.join(dir, s.synthesizedStackPath), 'utf8'));
    stacks[name] = {
      providers: json.provider ?? {},
      resources: elements(json.resource),
      data: elements(json.data),
      locals: json.locals ?? {},
      outputs: json.output ?? {},
    };
  }
  return { stacks };
}

/** The prebuilt class for a Terraform type: resource `google_compute_instance` is `ComputeInstance`. */
function providerClass(type: string, kind: 'resource' | 'data' | 'provider'): any {
  const [prefix, ...rest] = type.split('_');
  // Data sources keep the provider's prefix in their directory: lib/data-aws-ami.
  const dir = kind === 'provider' ? 'provider' : kind === 'data' ? `data-${type.replace(/_/g, '-')}` : rest.join('-');
  const module = require(`@cdktf/provider-${prefix}/lib/${dir}`);
  const found = Object.values<any>(module).find((c) => typeof c === 'function' && (kind === 'provider' || c.tfResourceType === type));
  if (!found) throw new Error(`no class for ${kind} ${type}`);
  return found;
}

/** The stack's providers, as the library's stack has them (both baselines: they are not the question). */
function addProviders(stack: TerraformStack, s: StackDescription): void {
  for (const [type, configs] of Object.entries(s.providers)) {
    const Provider = providerClass(type, 'provider');
    configs.forEach((config, i) => {
      const p: TerraformProvider = new Provider(stack, `${type}${i}`, {});
      for (const [k, v] of Object.entries(config as Record<string, unknown>)) p.addOverride(k, v);
    });
  }
}

/** The stack's locals and outputs, as the library's stack has them. */
function addLocalsAndOutputs(stack: TerraformStack, s: StackDescription): void {
  for (const [localName, expression] of Object.entries(s.locals)) new TerraformLocal(stack, localName, expression).overrideLogicalId(localName);
  for (const [outputName, output] of Object.entries(s.outputs)) new TerraformOutput(stack, outputName, output).overrideLogicalId(outputName);
}

function baselineApp(dir: string, description: Description): App {
  const app = new App({ outdir: dir });
  for (const [name, s] of Object.entries(description.stacks)) {
    const stack = new TerraformStack(app, name);
    new GcsBackend(stack, { bucket: 'ml-research-tfstate', prefix: name });
    addProviders(stack, s);
    for (const [kind, list] of [['resource', s.resources], ['data', s.data]] as const) {
      for (const [type, elementName, config] of list) {
        const Element = providerClass(type, kind);
        const e: TerraformResource = new Element(stack, elementName, {});
        e.overrideLogicalId(elementName);
        for (const [k, v] of Object.entries(config)) e.addOverride(k, v);
      }
    }
    addLocalsAndOutputs(stack, s);
  }
  return app;
}


/**
 * Attributes whose values are maps the user names (labels, tags, metadata keys): their keys are
 * kept as they are; every other object is a block whose keys the typed props spell in camelCase.
 */
const MAP_ATTRIBUTES = new Set(['labels', 'tags', 'tags_all', 'metadata', 'keepers', 'triggers', 'target_tags', 'tags_to_add', 'default_labels', 'default_tags']);
const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
/** A whole-string or embedded reference to another element's attribute. */
const REFERENCE = /\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;

/**
 * The typed baseline: each element built with typed props (camelCase keys, blocks as objects)
 * and with reference tokens to the elements it names, in dependency order, as a hand-written
 * stack would be. An element whose typed form does not synthesize to the same JSON (a key the
 * provider spells differently) is set through overrides instead; `describe` finds those.
 */
function typedApp(dir: string, description: Description, fallback: Set<string>): App {
  const app = new App({ outdir: dir });
  for (const [name, s] of Object.entries(description.stacks)) {
    const stack = new TerraformStack(app, name);
    new GcsBackend(stack, { bucket: 'ml-research-tfstate', prefix: name });
    addProviders(stack, s);
    const all = new Map<string, { kind: 'resource' | 'data'; type: string; name: string; config: Record<string, unknown> }>();
    for (const [type, elementName, config] of s.resources) all.set(`${type}.${elementName}`, { kind: 'resource', type, name: elementName, config });
    for (const [type, elementName, config] of s.data) all.set(`data.${type}.${elementName}`, { kind: 'data', type, name: elementName, config });
    const built = new Map<string, TerraformResource>();
    const building = new Set<string>();
    const build = (address: string): TerraformResource | undefined => {
      if (built.has(address)) return built.get(address);
      const element = all.get(address);
      if (!element || building.has(address)) return undefined;
      building.add(address);
      const Element = providerClass(element.type, element.kind);
      const { depends_on: dependsOn, lifecycle, ...attributes } = element.config as Record<string, any>;
      let made: TerraformResource;
      if (fallback.has(`${name}/${address}`)) {
        made = new Element(stack, element.name, {});
        for (const [k, v] of Object.entries(element.config)) made.addOverride(k, v);
      } else {
        const withTokens = (value: unknown, inMap: boolean): unknown => {
          if (typeof value === 'string') {
            return value.replace(REFERENCE, (whole, target: string, attribute: string) => {
              const other = build(target);
              return other ? other.getStringAttribute(attribute) : whole;
            });
          }
          if (Array.isArray(value)) return value.map((v) => withTokens(v, false));
          if (value !== null && typeof value === 'object') {
            return Object.fromEntries(
              Object.entries(value).map(([k, v]) => [inMap ? k : camel(k), withTokens(v, !inMap && MAP_ATTRIBUTES.has(k))]),
            );
          }
          return value;
        };
        const props = withTokens(attributes, false) as Record<string, unknown>;
        const depends = ((dependsOn as string[] | undefined) ?? []).map((d) => build(d));
        made = new Element(stack, element.name, {
          ...props,
          ...(lifecycle ? { lifecycle: withTokens(lifecycle, false) } : {}),
          ...(dependsOn && depends.every((d) => d) ? { dependsOn: depends } : {}),
        });
        if (dependsOn && !depends.every((d) => d)) made.addOverride('depends_on', dependsOn);
      }
      made.overrideLogicalId(element.name);
      built.set(address, made);
      building.delete(address);
      return made;
    };
    for (const address of all.keys()) build(address);
    addLocalsAndOutputs(stack, s);
  }
  return app;
}

/** The elements whose typed form synthesizes differently from the library's, as `stack/address`. */
function typedFallbacks(dir: string, description: Description): string[] {
  typedApp(dir, description, new Set()).synth();
  const typed = stacksOf(dir) as Record<string, any>;
  const differ: string[] = [];
  for (const [name, s] of Object.entries(description.stacks)) {
    for (const [kind, list] of [['resource', s.resources], ['data', s.data]] as const) {
      for (const [type, elementName, config] of list) {
        const got = typed[name]?.[kind]?.[type]?.[elementName];
        if (JSON.stringify(got) !== JSON.stringify(config)) differ.push(`${name}/${kind === 'data' ? 'data.' : ''}${type}.${elementName}`);
      }
    }
  }
  return differ;
}

/** The stacks of an outdir without cdktf's `//` metadata. */
function stacksOf(dir: string): Record<string, unknown> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  return Object.fromEntries(
    Object.entries<any>(manifest.stacks).map(([name, s]) => [
      name,
      JSON.parse(fs.readFileSync(path.join(dir, s.synthesizedStackPath), 'utf8'), (key, value) => (key === '//' ? undefined : value)),
    ]),
  );
}

if (mode === 'describe') {
  const description = describeLibrary(outdir);
  description.typedFallback = typedFallbacks(path.join(outdir, 'typed-check'), description);
  fs.writeFileSync(baselineFile, JSON.stringify(description));
  console.error(`typed baseline for N=${n}: ${description.typedFallback.length} elements through overrides`);
} else if (mode === 'compare') {
  // The baseline must synthesize exactly what the library does, or the ratio means nothing.
  if (JSON.stringify(stacksOf(outdir)) !== JSON.stringify(stacksOf(baselineFile))) {
    console.error(`the baseline for N=${n} does not synthesize the library's stacks`);
    process.exit(1);
  }
} else {
  const description: Description | undefined = mode === 'library' ? undefined : JSON.parse(fs.readFileSync(baselineFile, 'utf8'));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const app =
    mode === 'library'
      ? libraryApp(outdir)
      : mode === 'typed'
        ? typedApp(outdir, description!, new Set(description!.typedFallback ?? []))
        : baselineApp(outdir, description!);
  app.synth();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1e6, rss: process.resourceUsage().maxRSS / 1024 }));
}
