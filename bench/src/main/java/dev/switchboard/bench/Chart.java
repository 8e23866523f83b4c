package dev.switchboard.bench;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** A bar chart of throughput (relative to the bare ceiling) and latency percentiles per scenario. */
final class Chart {
private Chart() {}

    static String svg(List<ScenarioResult> results, double ceiling) throws IOException {
        int width = 900;
        int rowHeight = 46;
        int height = 60 + rowHeight * results.size() + 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        s.append("<text x=\"10\" y=\"20\" font-size=\"15\">Switchboard pipeline: throughput ÷ bare ceiling (bars), end-to-end latency p50/p99/p99.9</text>\n");
        int barX = 330;
        int barMax = 300;
        for (int i = 0; i < results.size(); i++) {
            ScenarioResult r = results.get(i);
            int y = 50 + i * rowHeight;
            double ratio = r.throughput() / ceiling;
            s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 15, escape(r.name())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#4a7fb5\"/>%n",
                    barX, y + 2, (int) Math.round(Math.min(1.2, ratio) / 1.2 * barMax)));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%,.0f/s (%.2f)</text>%n",
                    barX + (int) Math.round(Math.min(1.2, ratio) / 1.2 * barMax) + 6, y + 15, r.throughput(), ratio));
            if (r.latency().getTotalCount() > 0) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#b5534a\">p50 %d ms · p99 %d ms · p99.9 %d ms</text>%n",
                        barX, y + 36, r.latency().getValueAtPercentile(50), r.latency().getValueAtPercentile(99),
                        r.latency().getValueAtPercentile(99.9)));
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
