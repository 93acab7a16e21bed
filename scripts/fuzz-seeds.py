#!/usr/bin/env python3
"""Writes the recipe seed corpus for the FuzzRecipe target: every recipes/**/Imgmakefile and
recipes/**/*.imgmake, and the multi-line recipe strings (\"\"\" ... \"\"\") of the tests that look like
recipes (they have a rule arrow `<-`, an `include`, or an assignment). At most LIMIT files, named by content hash.

    scripts/fuzz-seeds.py OUT_DIR [LIMIT]
"""
import hashlib, os, re, sys, textwrap, glob

out = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 100
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
os.makedirs(out, exist_ok=True)

texts = []
for pattern in ("recipes/**/Imgmakefile", "recipes/**/*.imgmake"):
    for path in sorted(glob.glob(os.path.join(root, pattern), recursive=True)):
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())

literal = re.compile(r'"""\n(.*?)\n[ \t]*"""', re.S)
for path in sorted(glob.glob(os.path.join(root, "Tests/**/*.swift"), recursive=True)):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    for m in literal.finditer(source):
        body = textwrap.dedent(m.group(1))
        if "\\(" in body:           # Swift interpolation: take the text around it as is
            body = re.sub(r"\\\([^)]*\)", "x", body)
        if "<-" in body or "include" in body or re.search(r"^\w+\s*=", body, re.M):
            texts.append(body.replace("\\n", "\n").replace('\\"', '"') + "\n")

seen = set()
written = 0
for text in texts:
    data = text.encode("utf-8")
    digest = hashlib.sha1(data).hexdigest()[:16]
    if digest in seen:
        continue
    seen.add(digest)
    with open(os.path.join(out, digest), "wb") as f:
        f.write(data)
    written += 1
    if written >= limit:
        break
print(f"{written} recipe seeds in {out}")
