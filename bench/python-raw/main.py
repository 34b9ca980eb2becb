"""A raw cdktf Python app of the same resources as a library example: the baseline of
bench/python.sh.

It reads the example's synthesized stack (TERRAFORM_JSON) and builds every provider, resource
and data source with its prebuilt Python class and typed props (blocks as dicts, references as
tokens of the elements they name, depends_on as the elements), in dependency order: what a
hand-written cdktf Python app of those resources imports and sends to the jsii kernel, without
the library. bench/python.sh checks that its output equals the example's before timing it.

    TERRAFORM_JSON=examples/gcp-workspace/cdktf.out/stacks/gcp-workspace/cdk.tf.json python main.py
"""
import importlib
import json
import os
import re

from cdktf import App, GcsBackend, TerraformLocal, TerraformOutput, TerraformStack

# Maps the user names (labels, tags, metadata keys) keep their keys. A block given as a dict is
# made into its struct with Python names (snake_case), but dicts inside a list go to JavaScript as
# they are, so from there on the keys are spelled as the JavaScript props are (camelCase).
MAP_ATTRIBUTES = {"labels", "tags", "tags_all", "metadata", "keepers", "triggers", "default_labels", "default_tags"}
REFERENCE = re.compile(r"\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}")


def camel(key: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), key)


def element_class(type_name: str, kind: str):
    """The prebuilt class: resource google_compute_instance is compute_instance.ComputeInstance."""
    prefix, _, rest = type_name.partition("_")
    package = importlib.import_module(f"cdktf_cdktf_provider_{prefix}")
    module_name = "provider" if kind == "provider" else (f"data_{type_name}" if kind == "data" else rest)
    module = importlib.import_module(f"{package.__name__}.{module_name}")
    for value in vars(module).values():
        if isinstance(value, type) and (kind == "provider" or getattr(value, "TF_RESOURCE_TYPE", None) == type_name):
            if kind != "provider" or value.__name__.endswith("Provider"):
                return value
    raise LookupError(f"no class for {kind} {type_name}")


def build_stack(app: App, name: str, synthesized: dict) -> TerraformStack:
    stack = TerraformStack(app, name)
    backend = synthesized.get("terraform", {}).get("backend", {}).get("gcs")
    if backend:
        GcsBackend(stack, bucket=backend["bucket"], prefix=backend["prefix"])
    for type_name, configs in synthesized.get("provider", {}).items():
        for i, config in enumerate(configs):
            provider = element_class(type_name, "provider")(stack, f"{type_name}{i}")
            for key, value in config.items():
                if key != "//":
                    provider.add_override(key, value)

    elements = {}
    for kind, section in (("resource", "resource"), ("data", "data")):
        for type_name, by_name in synthesized.get(section, {}).items():
            for element_name, config in by_name.items():
                address = f"{'data.' if kind == 'data' else ''}{type_name}.{element_name}"
                elements[address] = (kind, type_name, element_name, config)

    built, building = {}, set()

    def build(address: str):
        if address in built:
            return built[address]
        if address not in elements or address in building:
            return None
        building.add(address)
        kind, type_name, element_name, config = elements[address]
        cls = element_class(type_name, kind)

        def with_tokens(value, in_map=False, raw=False):
            if isinstance(value, str):
                def swap(match):
                    other = build(match.group(1))
                    return other.get_string_attribute(match.group(2)) if other is not None else match.group(0)
                return REFERENCE.sub(swap, value)
            if isinstance(value, list):
                return [with_tokens(v, raw=True) for v in value]
            if isinstance(value, dict):
                return {(camel(k) if raw and not in_map else k): with_tokens(v, not in_map and k in MAP_ATTRIBUTES, raw) for k, v in value.items()}
            return value

        attributes = {k: v for k, v in config.items() if k not in ("depends_on", "lifecycle", "//")}
        depends = [build(d) for d in config.get("depends_on", [])]
        typed_depends = bool(depends) and all(d is not None for d in depends)
        try:
            props = {k: with_tokens(v, k in MAP_ATTRIBUTES) for k, v in attributes.items()}
            made = cls(stack, element_name, **props, **({"depends_on": depends} if typed_depends else {}))
        except TypeError as e:
            raise TypeError(f"{address}: {e}") from e
        if "lifecycle" in config:
            made.add_override("lifecycle", config["lifecycle"])
        if "depends_on" in config and not typed_depends:
            made.add_override("depends_on", config["depends_on"])
        made.override_logical_id(element_name)
        built[address] = made
        building.discard(address)
        return made

    for address in list(elements):
        build(address)
    for local_name, expression in synthesized.get("locals", {}).items():
        TerraformLocal(stack, local_name, expression).override_logical_id(local_name)
    for output_name, output in synthesized.get("output", {}).items():
        TerraformOutput(stack, output_name, value=output["value"], description=output.get("description"), sensitive=output.get("sensitive")).override_logical_id(output_name)
    return stack


def main() -> None:
    path = os.environ["TERRAFORM_JSON"]
    with open(path) as f:
        synthesized = json.load(f)
    app = App()
    build_stack(app, os.environ.get("STACK_NAME", os.path.basename(os.path.dirname(path))), synthesized)
    app.synth()


if __name__ == "__main__":
    main()
