package dev.switchboard.functions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.bot.Problem;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.Json;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Topics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Checks each record of {@code <prefix>bots} the way {@code switchboard check} does: a valid definition whose
 * {@code bot:} equals the record's key goes on to every subtask; anything else is rejected onto
 * {@code <prefix>bots.errors} with its reasons, and the version in force stays.
 */
public class BotUpdateFunction extends ProcessFunction<InboundRecord, BotUpdate> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<OutboundRecord> REJECTED =
            new OutputTag<>("rejected-bot-definitions", TypeInformation.of(OutboundRecord.class));

    private final Topics topics;
    private transient Counter accepted;
    private transient Counter rejected;

    public BotUpdateFunction(Topics topics) {
        this.topics = topics;
    }

    @Override
    public void open(OpenContext openContext) {
        var group = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        accepted = group.counter("botVersionsAccepted");
        rejected = group.counter("botVersionsRejected");
    }

    @Override
    public void processElement(InboundRecord record, Context ctx, Collector<BotUpdate> out) throws Exception {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        String where = "chat.bots key " + key + " offset " + record.offset();
        if (record.value() == null || record.value().length == 0) {
            reject(ctx, record, key, List.of(where + ": an empty record (a tombstone); a bot is removed by restarting"
                    + " the job without it"));
            return;
        }
        BotDefinitionReader.Result result = BotDefinitionReader.read(record.value(), key == null ? "chat.bots" : key + ".yaml");
        if (!result.ok()) {
            reject(ctx, record, key, result.errors().stream().map(Problem::toString).toList());
            return;
        }
        String id = result.definition().id();
        if (!id.equals(key)) {
            reject(ctx, record, key, List.of(where + ": the record's key must be the bot id '" + id + "'"));
            return;
        }
        accepted.inc();
        out.collect(new BotUpdate(id, new String(record.value(), StandardCharsets.UTF_8)));
    }

    private void reject(Context ctx, InboundRecord record, String key, List<String> reasons) throws Exception {
        rejected.inc();
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("bot", key);
        json.put("offset", record.offset());
        ArrayNode errors = json.putArray("errors");
        reasons.forEach(errors::add);
        ctx.output(REJECTED, new OutboundRecord(topics.botErrors(), record.key(), Json.MAPPER.writeValueAsBytes(json),
                Map.of("error-class", "invalid-bot-definition")));
    }
}
