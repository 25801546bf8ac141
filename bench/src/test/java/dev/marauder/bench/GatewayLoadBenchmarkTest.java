package dev.marauder.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reading wrk's {@code --latency} report: units, percentiles, throughput and failures. */
class GatewayLoadBenchmarkTest {
    private static final String REPORT = String.join(
            "\n",
            "Running 15s test @ http://127.0.0.1:40117/v2/models/model/infer",
            "  2 threads and 8 connections",
            "  Thread Stats   Avg      Stdev     Max   +/- Stdev",
            "    Latency    13.90ms    6.12ms  80.01ms   72.15%",
            "    Req/Sec   287.51     40.12   380.00     70.00%",
            "  Latency Distribution",
            "     50%   13.69ms",
            "     75%   16.40ms",
            "     90%   20.11ms",
            "     99%   41.40ms",
            "  8589 requests in 15.01s, 4.10MB read",
            "  Socket errors: connect 0, read 1, write 0, timeout 2",
            "  Non-2xx or 3xx responses: 4",
            "Requests/sec:    572.18",
            "Transfer/sec:    279.77KB",
            "");

    @Test
    void theReportGivesTheRunsNumbers() {
        GatewayLoadBenchmark.Run r = GatewayLoadBenchmark.parse(REPORT);
        assertThat(r.requests()).isEqualTo(8589);
        assertThat(r.requestsPerSecond()).isCloseTo(572.18, within(1e-9));
        assertThat(r.p50Millis()).isCloseTo(13.69, within(1e-9));
        assertThat(r.p99Millis()).isCloseTo(41.40, within(1e-9));
        assertThat(r.failed()).isEqualTo(7);
    }

    @Test
    void microsecondsAndSecondsAreConverted() {
        String fast = REPORT.replace("50%   13.69ms", "50%  635.91us").replace("99%   41.40ms", "99%    1.20s");
        GatewayLoadBenchmark.Run r = GatewayLoadBenchmark.parse(fast);
        assertThat(r.p50Millis()).isCloseTo(0.63591, within(1e-9));
        assertThat(r.p99Millis()).isCloseTo(1200, within(1e-9));
    }

    @Test
    void aReportWithoutTheLatencyDistributionIsRefused() {
        assertThatThrownBy(() -> GatewayLoadBenchmark.parse("unable to connect to 127.0.0.1:1 Connection refused"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot read wrk's report");
    }
}
