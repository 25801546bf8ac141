package dev.marauder.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders {@code index.html}: one self-contained page with inline CSS, images as {@code data:}
 * URIs and a Content-Security-Policy that forbids scripts and every network fetch. All caller
 * text is escaped with {@link Html#escape(String)}.
 */
final class HtmlRenderer {
    /** Internal anchors contain a hyphen, so they can never collide with a snake_case section id. */
    static final String PROVENANCE_ANCHOR = "report-provenance";

    /** Anchor of the verdict (summary table and skipped checks) shown before the sections. */
    static final String SUMMARY_ANCHOR = "report-summary";

    private static final DateTimeFormatter SHOWN_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private static final Pattern NUMBER =
            Pattern.compile("[-+\u2212]?(\\d[\\d,]*(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?%?");

    private static final String CSP =
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none';" + " form-action 'none'";

    private static final String CSS = """
      :root {
        --fg: #1d232b; --muted: #5b6573; --line: #dfe3e9; --soft: #f5f7fa; --accent: #1f5fae;
        --warn-bg: #fff7e3; --warn-line: #d08c00; --note-bg: #edf4fd; --note-line: #2f6fce;
        --high-bg: #fdecea; --high-line: #c62828; --high-fg: #9b1c1c;
        --medium-bg: #fff4dc; --medium-line: #d08c00; --medium-fg: #7a4f00;
        --low-bg: #e8f5ec; --low-line: #2e8b57; --low-fg: #1d5e37;
      }
      * { box-sizing: border-box; }
      body {
        margin: 0; color: var(--fg); background: #fff;
        font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
          "Liberation Sans", "DejaVu Sans", sans-serif;
      }
      .page { max-width: 1040px; margin: 0 auto; padding: 32px 40px 48px; }
      header { border-bottom: 2px solid var(--fg); padding-bottom: 10px; margin-bottom: 22px; }
      h1 { font-size: 28px; line-height: 1.25; margin: 0 0 6px; }
      .meta { color: var(--muted); font-size: 13px; margin: 0; }
      a { color: var(--accent); text-decoration: none; }
      a:hover { text-decoration: underline; }
      nav.toc {
        background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
        padding: 12px 20px 12px; margin-bottom: 34px;
      }
      nav.toc h2 {
        font-size: 12px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted);
        border: 0; margin: 0 0 4px; padding: 0;
      }
      nav.toc ol { margin: 0; padding-left: 22px; columns: 2; column-gap: 40px; }
      nav.toc li { break-inside: avoid; }
      section { margin: 0 0 42px; }
      h2 {
        font-size: 21px; line-height: 1.3; margin: 0 0 14px; padding-bottom: 5px;
        border-bottom: 1px solid var(--line);
      }
      p { margin: 0 0 12px; max-width: 82ch; }
      .notice {
        border-left: 4px solid; border-radius: 0 4px 4px 0; padding: 9px 14px; margin: 0 0 14px;
        max-width: 82ch;
      }
      .notice strong { margin-right: 6px; }
      .notice.warning { background: var(--warn-bg); border-color: var(--warn-line); }
      .notice.note { background: var(--note-bg); border-color: var(--note-line); }
      table { border-collapse: collapse; margin: 0 0 18px; font-size: 14px; }
      th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left;
        vertical-align: top; }
      thead th { background: var(--soft); border-bottom: 2px solid #aab3bf; font-weight: 600; }
      table.kv th { color: var(--muted); font-weight: 600; white-space: nowrap; padding-left: 0; }
      table.kv td { font-variant-numeric: tabular-nums; }
      .num { text-align: right; font-variant-numeric: tabular-nums; }
      .mono {
        font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono",
          monospace;
        font-size: 13px; overflow-wrap: anywhere;
      }
      figure { margin: 0 0 22px; }
      figure.chart img { display: block; max-width: 100%; height: auto; }
      figcaption { color: var(--muted); font-size: 13px; margin-bottom: 6px; font-weight: 600; }
      table.grid { border-collapse: separate; border-spacing: 12px 8px; margin-left: -12px; }
      table.grid th, table.grid td {
        border: 0; padding: 0; text-align: center; background: none; font-size: 12px;
      }
      table.grid th { color: var(--muted); font-weight: 600; }
      table.grid img {
        display: block; margin: 0 auto 3px; border: 1px solid var(--line);
        image-rendering: crisp-edges; image-rendering: pixelated;
      }
      table.grid .caption { color: var(--fg); line-height: 1.3; }
      section.summary { margin-bottom: 30px; }
      table.summary { width: 100%; }
      table.summary tbody th { font-weight: 600; padding-left: 12px; }
      table.summary td.headline { font-weight: 600; font-variant-numeric: tabular-nums; }
      table.summary td.rule { color: var(--muted); font-size: 13px; }
      table.summary td.mono { font-size: 12px; }
      table.summary .tags { font-weight: 400; font-size: 11px; color: var(--muted); font-family: monospace; }
      table.summary tr.remediation td { font-size: 12px; color: var(--muted); border-top: none; }
      table.summary .baseline { font-weight: 400; font-size: 12px; }
      tr.severity-high > th { box-shadow: inset 4px 0 0 var(--high-line); }
      tr.severity-medium > th { box-shadow: inset 4px 0 0 var(--medium-line); }
      tr.severity-low > th { box-shadow: inset 4px 0 0 var(--low-line); }
      tr.severity-not-assessed > th { box-shadow: inset 4px 0 0 var(--line); }
      .badge {
        display: inline-block; padding: 1px 8px; border: 1px solid; border-radius: 10px;
        font-size: 12px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase;
        white-space: nowrap;
      }
      .badge.severity-high { background: var(--high-bg); border-color: var(--high-line);
        color: var(--high-fg); }
      .badge.severity-medium { background: var(--medium-bg); border-color: var(--medium-line);
        color: var(--medium-fg); }
      .badge.severity-low { background: var(--low-bg); border-color: var(--low-line);
        color: var(--low-fg); }
      .badge.severity-not-assessed { background: var(--soft); border-color: #aab3bf;
        border-style: dashed; color: var(--muted); }
      .empty { color: var(--muted); }
      .skipped h3 { font-size: 15px; margin: 0 0 4px; }
      .skipped ul { margin: 0 0 12px; padding-left: 22px; }
      footer {
        color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px;
      }
      @media print {
        body { font-size: 10.5pt; }
        .page { max-width: none; padding: 0; }
        a { color: inherit; }
        nav.toc { background: none; }
        h2 { break-after: avoid; }
        figure, tr, .notice { break-inside: avoid; }
        thead th, .notice, table.grid img, .badge, table.summary tbody th {
          -webkit-print-color-adjust: exact; print-color-adjust: exact;
        }
      }
      """;

    private final StringBuilder out = new StringBuilder(64 * 1024);

    private HtmlRenderer() {}

    /** Renders the whole page; calls every section's {@code blocks()} once. */
    static String render(Report report) {
        return new HtmlRenderer().page(report);
    }

    private String page(Report report) {
        String title = Html.escape(report.title());
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
                .append(CSP)
                .append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"Marauder\">\n")
                .append("<title>")
                .append(title)
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n<div class=\"page\">\n");

        out.append("<header>\n<h1>")
                .append(title)
                .append("</h1>\n<p class=\"meta\">Generated <time")
                .append(" datetime=\"")
                .append(report.generatedAt())
                .append("\">")
                .append(SHOWN_TIME.format(report.generatedAt()))
                .append("</time> &middot; ")
                .append(report.sections().size())
                .append(report.sections().size() == 1 ? " section" : " sections")
                .append(" &middot; machine-readable results in <a href=\"report.json\">report.json</a>")
                .append("</p>\n</header>\n");

        summary(report.summary(), report.skipped());

        out.append("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
        for (ReportSection s : report.sections()) {
            link(s.id(), s.title());
        }
        link(PROVENANCE_ANCHOR, "Provenance");
        out.append("</ol>\n</nav>\n<main>\n");

        for (ReportSection s : report.sections()) {
            out.append("<section id=\"")
                    .append(s.id())
                    .append("\">\n<h2>")
                    .append(Html.escape(s.title()))
                    .append("</h2>\n");
            List<Block> blocks = s.blocks();
            if (blocks == null) {
                throw new IllegalArgumentException("section \"" + s.id() + "\" returned null blocks");
            }
            for (Block b : blocks) {
                block(b);
            }
            out.append("</section>\n");
        }

        out.append("<section id=\"").append(PROVENANCE_ANCHOR).append("\">\n<h2>Provenance</h2>\n");
        if (report.provenance().isEmpty()) {
            out.append("<p>No provenance was recorded.</p>\n");
        } else {
            out.append("<table class=\"kv provenance\">\n<tbody>\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = report.provenance().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.append("<tr><th scope=\"row\">")
                        .append(Html.escape(e.getKey()))
                        .append("</th><td class=\"mono\">")
                        .append(Html.escape(ReportJson.display(e.getValue())))
                        .append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        }
        out.append("</section>\n</main>\n<footer>Marauder report &middot; self-contained page,")
                .append(" no scripts, no network resources.</footer>\n</div>\n</body>\n</html>\n");
        return out.toString();
    }

    /**
     * The verdict: one table row per summary line, then the checks that did not run. Nothing is
     * written when there is neither.
     */
    /** Each figure compared with a baseline audit: its baseline value, and REGRESSION when worse. */
    private static String baseline(SummaryLine line) {
        StringBuilder t = new StringBuilder();
        for (Figure f : line.figures()) {
            if (f.baseline() == null) {
                continue;
            }
            t.append(t.length() == 0 ? "<div class=\"baseline\">" : "; ")
                    .append(f.regressed() ? "<strong>REGRESSION</strong> " : "")
                    .append(Html.escape(f.name()))
                    .append(' ')
                    .append(Html.escape(String.format(java.util.Locale.ROOT, "%.4g", f.value())))
                    .append(" (baseline ")
                    .append(Html.escape(String.format(java.util.Locale.ROOT, "%.4g", f.baseline())))
                    .append(')');
        }
        return t.length() == 0 ? "" : t.append("</div>").toString();
    }

    /** The ATLAS techniques and OWASP ML Top 10 entries under a threat's name, if classified. */
    private static String tags(Classification c) {
        if (c.atlas().isEmpty() && c.owasp().isEmpty()) {
            return "";
        }
        StringBuilder t = new StringBuilder("<div class=\"tags\">");
        for (Classification.Reference r : c.atlas()) {
            t.append("<span title=\"MITRE ATLAS: ")
                    .append(Html.escape(r.name()))
                    .append("\">")
                    .append(Html.escape(r.id()))
                    .append("</span> ");
        }
        for (Classification.Reference r : c.owasp()) {
            t.append("<span title=\"OWASP ML Top 10: ")
                    .append(Html.escape(r.name()))
                    .append("\">")
                    .append(Html.escape(r.id()))
                    .append("</span> ");
        }
        return t.append("</div>").toString();
    }

    /** A row under a finding above low: the ATLAS mitigations and the command that applies one. */
    private void remediation(SummaryLine line) {
        Classification c = line.classification();
        if ((line.severity() != Severity.HIGH && line.severity() != Severity.MEDIUM)
                || (c.mitigations().isEmpty() && c.remediation().isEmpty())) {
            return;
        }
        out.append("<tr class=\"remediation\"><td colspan=\"6\">Remediation: ");
        for (int i = 0; i < c.mitigations().size(); i++) {
            out.append(i == 0 ? "" : "; ")
                    .append(Html.escape(c.mitigations().get(i).toString()));
        }
        if (!c.remediation().isEmpty()) {
            out.append(c.mitigations().isEmpty() ? "" : ". ")
                    .append("<code>")
                    .append(Html.escape(c.remediation()))
                    .append("</code>");
        }
        out.append("</td></tr>\n");
    }

    private void summary(List<SummaryLine> lines, List<SkippedCheck> skipped) {
        if (lines.isEmpty() && skipped.isEmpty()) {
            return;
        }
        out.append("<section id=\"")
                .append(SUMMARY_ANCHOR)
                .append("\" class=\"summary\">\n")
                .append("<h2>Summary</h2>\n");
        if (lines.isEmpty()) {
            out.append("<p>No check produced a verdict.</p>\n");
        } else {
            out.append("<table class=\"summary\">\n<thead><tr><th scope=\"col\">Threat</th>")
                    .append("<th scope=\"col\">Severity</th><th scope=\"col\">Finding</th>")
                    .append("<th scope=\"col\">Tried</th><th scope=\"col\">Rule</th>")
                    .append("<th scope=\"col\">Reproduce with</th></tr></thead>\n<tbody>\n");
            for (SummaryLine line : lines) {
                String css = line.severity().cssClass();
                out.append("<tr class=\"")
                        .append(css)
                        .append("\"><th scope=\"row\">")
                        .append(Html.escape(line.threat()))
                        .append(tags(line.classification()))
                        .append("</th><td><span class=\"badge ")
                        .append(css)
                        .append("\">")
                        .append(line.severity().label())
                        .append("</span></td>")
                        .append("<td class=\"headline\">")
                        .append(Html.escape(line.headline()))
                        .append(baseline(line))
                        .append("</td>");
                cell("", line.tried());
                cell("rule", line.rule());
                cell("mono", line.command());
                out.append("</tr>\n");
                remediation(line);
            }
            out.append("</tbody>\n</table>\n");
        }
        if (!skipped.isEmpty()) {
            out.append("<div class=\"skipped\">\n<h3>Checks not run</h3>\n<ul>\n");
            for (SkippedCheck c : skipped) {
                out.append("<li>Not run: <strong>")
                        .append(Html.escape(c.name()))
                        .append("</strong> because ")
                        .append(Html.escape(c.reason()))
                        .append("</li>\n");
            }
            out.append("</ul>\n</div>\n");
        }
        out.append("</section>\n");
    }

    /** A summary cell; an empty value shows as a muted dash. */
    private void cell(String cssClass, String text) {
        out.append(cssClass.isEmpty() ? "<td>" : "<td class=\"" + cssClass + "\">");
        if (text.isEmpty()) {
            out.append("<span class=\"empty\">&mdash;</span>");
        } else {
            out.append(Html.escape(text));
        }
        out.append("</td>");
    }

    private void link(String anchor, String text) {
        out.append("<li><a href=\"#")
                .append(anchor)
                .append("\">")
                .append(Html.escape(text))
                .append("</a></li>\n");
    }

    private void block(Block block) {
        if (block instanceof Block.Paragraph p) {
            out.append("<p>").append(Html.escape(p.text())).append("</p>\n");
        } else if (block instanceof Block.Notice n) {
            boolean warning = n.level() == Block.Notice.Level.WARNING;
            out.append("<div class=\"notice ")
                    .append(warning ? "warning" : "note")
                    .append("\" role=\"note\"><strong>")
                    .append(warning ? "Warning" : "Note")
                    .append("</strong>")
                    .append(Html.escape(n.text()))
                    .append("</div>\n");
        } else if (block instanceof Block.KeyValues kv) {
            out.append("<table class=\"kv\">\n<tbody>\n");
            for (Map.Entry<String, String> e : kv.entries().entrySet()) {
                out.append("<tr><th scope=\"row\">")
                        .append(Html.escape(e.getKey()))
                        .append("</th><td>")
                        .append(Html.escape(e.getValue()))
                        .append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        } else if (block instanceof Block.Table t) {
            table(t);
        } else if (block instanceof Chart c) {
            String alt = Html.escape(c.title().isEmpty() ? "chart" : c.title());
            out.append("<figure class=\"chart\"><img src=\"")
                    .append(dataUri(c.toPng()))
                    .append("\" width=\"")
                    .append(c.width())
                    .append("\" height=\"")
                    .append(c.height())
                    .append("\" alt=\"")
                    .append(alt)
                    .append("\"></figure>\n");
        } else if (block instanceof ImageGrid g) {
            grid(g);
        } else {
            // Unreachable while Block is sealed; kept so that a new permitted type fails loudly.
            throw new IllegalStateException("no HTML rendering for block " + block.getClass());
        }
    }

    private void table(Block.Table t) {
        int cols = t.header().size();
        boolean[] numeric = new boolean[cols];
        for (int c = 0; c < cols; c++) {
            boolean any = false;
            boolean all = true;
            for (List<String> row : t.rows()) {
                String cell = row.get(c);
                if (!cell.isEmpty()) {
                    any = true;
                    all &= isNumber(cell);
                }
            }
            numeric[c] = any && all;
        }
        out.append("<table class=\"data\">\n<thead><tr>");
        for (int c = 0; c < cols; c++) {
            out.append(numeric[c] ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">")
                    .append(Html.escape(t.header().get(c)))
                    .append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : t.rows()) {
            out.append("<tr>");
            for (int c = 0; c < cols; c++) {
                out.append(numeric[c] ? "<td class=\"num\">" : "<td>")
                        .append(Html.escape(row.get(c)))
                        .append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    private void grid(ImageGrid g) {
        out.append("<figure class=\"images\">");
        if (!g.title().isEmpty()) {
            out.append("<figcaption>").append(Html.escape(g.title())).append("</figcaption>");
        }
        out.append("\n<table class=\"grid\">\n");
        if (!g.columns().isEmpty()) {
            out.append("<thead><tr>");
            for (String heading : g.columns()) {
                out.append("<th scope=\"col\">").append(Html.escape(heading)).append("</th>");
            }
            out.append("</tr></thead>\n");
        }
        out.append("<tbody>\n");
        int scale = g.scale();
        for (List<ImageGrid.Cell> row : g.rows()) {
            out.append("<tr>");
            for (ImageGrid.Cell cell : row) {
                int w = cell.width() * scale;
                String caption = Html.escape(cell.caption());
                out.append("<td><img src=\"")
                        .append(dataUri(cell.toPng(scale)))
                        .append("\" width=\"")
                        .append(w)
                        .append("\" height=\"")
                        .append(cell.height() * scale)
                        .append("\" alt=\"")
                        .append(caption.isEmpty() ? "image" : caption)
                        .append("\">");
                if (!caption.isEmpty()) {
                    out.append("<div class=\"caption\" style=\"max-width:")
                            .append(Math.max(w, 96))
                            .append("px\">")
                            .append(caption)
                            .append("</div>");
                }
                out.append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n</figure>\n");
    }

    private static boolean isNumber(String text) {
        return NUMBER.matcher(text.trim()).matches();
    }

    private static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }
}
