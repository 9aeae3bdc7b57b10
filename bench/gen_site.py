#!/usr/bin/env python3
"""Generate a synthetic policy manual of N pages (~8 KB of Markdown each: headings, lists, a table,
footnotes, links between pages) as a policysite site, plus the same pages as a Hugo site.

usage: gen_site.py N OUT_DIR [--flat]

--flat puts every page at the top level (content/pNNNNN.md) instead of in sections of 100, to check
that the output still grows linearly with the number of pages (the main navigation is bounded).
"""
import os, random, shutil, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORDS = ("policy staff student record district account social media training public request retention "
         "privacy consent photo post comment message officer department school principal platform approved "
         "directory regulation education information communication email schedule").split()

def para(r, n):
    return " ".join(r.choice(WORDS) for _ in range(n)).capitalize() + "."

def target_path(target, per_section, flat):
    return f"p{target:05}.md" if flat else f"s{target // per_section:03}/p{target:05}.md"

def page(r, i, n_pages, per_section, flat=False):
    lines = []
    sec = i // per_section
    for h in range(6):
        lines.append(f"## Part {h + 1} of policy {i}\n")
        lines.append(para(r, 48) + f" See Policy {1000 + (i * 7 + h) % 9000}.[^n{h}]\n")
        lines.append("- " + para(r, 12) + "\n- " + para(r, 12) + "\n- " + para(r, 12) + "\n")
        target = r.randrange(n_pages)
        lines.append(f"Related: [page {target}](@/{target_path(target, per_section, flat)}#part-{h + 1}-of-policy-{target}).\n")
        if h == 2:
            lines.append("| Item | Owner | Retention |\n|---|---|---|\n" + "".join(
                f"| {r.choice(WORDS)} | {r.choice(WORDS)} | {r.randrange(1, 10)} years |\n" for _ in range(6)))
        lines.append(para(r, 56) + "\n")
    for h in range(6):
        lines.append(f"[^n{h}]: " + para(r, 10) + "\n")
    return "\n".join(lines)

def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    flat = "--flat" in sys.argv[3:]
    shutil.rmtree(out, ignore_errors=True)
    r = random.Random(42)
    per_section = 100
    site, hugo = os.path.join(out, "policysite"), os.path.join(out, "hugo")
    for d in ("themes", "data"):
        shutil.copytree(os.path.join(REPO, d), os.path.join(site, d))
    with open(os.path.join(REPO, "site.yaml")) as f:
        cfg = f.read().split("required_training:")[0]
    open(os.path.join(site, "site.yaml"), "w").write(cfg)
    os.makedirs(os.path.join(site, "content"))
    open(os.path.join(site, "content", "_index.md"), "w").write("---\ntitle: Manual\n---\nA synthetic manual.\n")
    os.makedirs(os.path.join(hugo, "layouts", "_default"))
    os.makedirs(os.path.join(hugo, "content"))
    open(os.path.join(hugo, "hugo.toml"), "w").write('baseURL = "http://example.org/"\ntitle = "Manual"\ndisableKinds = ["taxonomy", "term", "RSS"]\n')
    open(os.path.join(hugo, "layouts", "_default", "single.html"), "w").write(
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}</body></html>\n")
    open(os.path.join(hugo, "layouts", "_default", "list.html"), "w").write(
        "<!DOCTYPE html><html><body><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n")
    total = 0
    for i in range(n):
        sec = i // per_section
        body = page(r, i, n, per_section, flat)
        text = f"---\ntitle: Policy {i}\nweight: {i}\n---\n\n" + body
        total += len(text)
        for root in (os.path.join(site, "content"), os.path.join(hugo, "content")):
            d = root if flat else os.path.join(root, f"s{sec:03}")
            if i % per_section == 0 and not flat:
                os.makedirs(d, exist_ok=True)
                open(os.path.join(d, "_index.md"), "w").write(f"---\ntitle: Section {sec}\nweight: {sec}\n---\n")
            open(os.path.join(d, f"p{i:05}.md"), "w").write(text)
    print(f"{n} pages, {total / n / 1024:.1f} KiB of Markdown per page on average")

main()
