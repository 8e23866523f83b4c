package dev.switchboard.functions;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Topics;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Hot swap: published versions checked, broadcast, made current on the TaskManager, kept in state and restored. */
class BotDefinitionsFunctionTest {

    private static String support() {
        return Bots.shippedYaml("support");
    }

    private static String version2() throws Exception {
        return support().replace("version: \"2026-11-29.1\"", "version: \"2026-12-01.2\"")
                .replace("Hi {user.name}! I can check an order", "Welcome back {user.name}! I can check an order");
    }

    @Test
    void aPublishedVersionIsCheckedAndAnInvalidOneRejectedWithItsReasons() throws Exception {
        try (OneInputStreamOperatorTestHarness<InboundRecord, BotUpdate> harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new BotUpdateFunction(Topics.withDefaultPrefix())))) {
            harness.open();
            harness.processElement(record("support", version2()), 0);
            harness.processElement(record("support", version2().replace("  other:\n", "  othre:\n")), 1);
            harness.processElement(record("trattoria", version2()), 2);
            harness.processElement(new InboundRecord("chat.bots", 0, 3, 0L, "support".getBytes(StandardCharsets.UTF_8), null, Map.of()), 3);

            List<BotUpdate> accepted = new ArrayList<>();
            harness.getOutput().forEach(o -> {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof BotUpdate u) {
                    accepted.add(u);
                }
            });
            assertThat(accepted).extracting(BotUpdate::botId).containsExactly("support");
            List<String> rejected = new ArrayList<>();
            harness.getSideOutput(BotUpdateFunction.REJECTED).forEach(r -> {
                OutboundRecord o = r.getValue();
                assertThat(o.topic()).isEqualTo("chat.bots.errors");
                assertThat(o.headers()).containsEntry("error-class", "invalid-bot-definition");
                rejected.add(new String(o.value(), StandardCharsets.UTF_8));
            });
            assertThat(rejected).hasSize(3);
            assertThat(rejected.get(0)).contains("\"bot\":\"support\"", "support.yaml:", "missing intent 'other'");
            assertThat(rejected.get(1)).contains("the record's key must be the bot id 'support'");
            assertThat(rejected.get(2)).contains("a tombstone");
        }
    }

    private static InboundRecord record(String key, String yaml) {
        return new InboundRecord("chat.bots", 0, 0, 0L, key.getBytes(StandardCharsets.UTF_8),
                yaml.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void aPublishedVersionBecomesCurrentPassesMessagesThroughAndComesBackFromASnapshot() throws Exception {
        BotDefinition startup = Bots.shippedSupport();
        OperatorSubtaskState snapshot;
        String jobId;
        try (BroadcastOperatorTestHarness<InboundMessage, BotUpdate, InboundMessage> harness =
                     ProcessFunctionTestHarnesses.forBroadcastProcessFunction(new BotDefinitionsFunction(), BotDefinitionsFunction.STATE)) {
            jobId = harness.getEnvironment().getJobID().toString();
            assertThat(BotRegistry.current(jobId, "support", startup)).isSameAs(startup);

            harness.processBroadcastElement(new BotUpdate("support", version2()), 0);
            BotDefinition current = BotRegistry.current(jobId, "support", startup);
            assertThat(current.version()).isEqualTo("2026-12-01.2");
            assertThat(BotRegistry.published(jobId, "support")).isTrue();

            InboundMessage m = Messages.inbound("42", "1", "hello", "r1");
            harness.processElement(m, 1);
            assertThat(harness.extractOutputValues()).containsExactly(m);
            snapshot = harness.snapshot(1, 2);
        }
        // The last holder on this JVM closed: the versions live on in the snapshot only.
        assertThat(BotRegistry.published(jobId, "support")).isFalse();

        // Another subtask (another job attempt) restores it and makes it current again.
        BroadcastOperatorTestHarness<InboundMessage, BotUpdate, InboundMessage> restored = new BroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator<>(new BotDefinitionsFunction(),
                        List.of(BotDefinitionsFunction.STATE)), 1, 1, 0);
        try (restored) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            String restoredJob = restored.getEnvironment().getJobID().toString();
            assertThat(BotRegistry.current(restoredJob, "support", startup).version()).isEqualTo("2026-12-01.2");
        }
    }
}
