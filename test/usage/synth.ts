import { TerraformStack, Testing } from 'cdktf';
import { UsageExporter, UsageExporterProps } from 'cdktf-ml-workspace';

/** Synthesizes an exporter `usage` in a stack `test`, with `then` adding to it first. */
export function synthUsage(props: UsageExporterProps, then: (usage: UsageExporter, stack: TerraformStack) => void = () => {}) {
  const stack = new TerraformStack(Testing.app(), 'test');
  const usage = new UsageExporter(stack, 'usage', props);
  then(usage, stack);
  const json = JSON.parse(Testing.synth(stack, true));
  const of = (type: string): Record<string, any> => json.resource?.[type] ?? {};
  const one = (type: string) => {
    const all = Object.values(of(type));
    if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
    return all[0] as any;
  };
  return { json, of, one, usage, stack };
}
