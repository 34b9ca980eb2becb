"""Writes the README.md code blocks marked `<!-- synthesized by <runner> -->` for one runner into
<outdir>/block-<n>/main.<ext>, one directory per block, and prints the directories.

    python3 scripts/readme-blocks.py scripts/bindings.sh dist/readme-python
"""
import os
import re
import sys

EXTENSIONS = {"python": "py", "go": "go", "ts": "ts"}
runner, outdir = sys.argv[1:3]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(root, "README.md")) as f:
    readme = f.read()
blocks = re.findall(r"<!-- synthesized by ([^ ]+) -->\n```(\w+)\n(.*?)\n```", readme, re.S)
mine = [(language, code) for (who, language, code) in blocks if who == runner]
if not mine:
    sys.exit(f"README.md marks no block for {runner}")
for n, (language, code) in enumerate(mine, 1):
    block = os.path.join(outdir, f"block-{n}")
    os.makedirs(block, exist_ok=True)
    with open(os.path.join(block, f"main.{EXTENSIONS[language]}"), "w") as f:
        f.write(code + "\n")
    print(block)
