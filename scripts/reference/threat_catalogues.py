#!/usr/bin/env python3
"""Extracts the identifiers and names of the two catalogues the audit's findings are mapped to, for
ThreatCatalogTest: MITRE ATLAS (techniques and mitigations, from dist/ATLAS.yaml of
github.com/mitre-atlas/atlas-data) and the OWASP Machine Learning Security Top 10 (2023, from the
docs/ML*_2023-*.md pages of github.com/OWASP/www-project-machine-learning-security-top-10).

usage: threat_catalogues.py ATLAS.yaml OWASP_REPO_DIR OUT_DIR
"""
import pathlib
import re
import sys

import yaml


def main(atlas_yaml, owasp_dir, out_dir):
    data = yaml.safe_load(open(atlas_yaml, encoding="utf-8"))
    matrix = data["matrices"][0]
    out = pathlib.Path(out_dir)
    with open(out / "atlas.tsv", "w", encoding="utf-8") as f:
        f.write("# MITRE ATLAS %s: id, name (techniques and mitigations)\n" % data.get("version"))
        for kind in ("techniques", "mitigations"):
            for entry in sorted(matrix[kind], key=lambda e: e["id"]):
                f.write("%s\t%s\n" % (entry["id"], entry["name"]))
    with open(out / "owasp-ml-top10-2023.tsv", "w", encoding="utf-8") as f:
        f.write("# OWASP Machine Learning Security Top 10 (2023): id, name\n")
        for page in sorted(pathlib.Path(owasp_dir, "docs").glob("ML*_2023-*.md")):
            title = re.search(r"^title:\s*(ML\d\d:2023)\s+(.+)$", page.read_text(encoding="utf-8"), re.M)
            f.write("%s\t%s\n" % (title.group(1), title.group(2).strip()))


if __name__ == "__main__":
    main(*sys.argv[1:4])
