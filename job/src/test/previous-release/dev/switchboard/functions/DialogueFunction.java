package dev.switchboard.functions;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.dialogue.BotPolicy;
import dev.switchboard.dialogue.Decision;
import dev.switchboard.dialogue.DialogueSettings;
import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.Turn;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.UnifiedMessage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/*
 * THE PREVIOUS RELEASE's dialogue step, for ClusterUpgradeITCase, cut to what that test drives: the whole session
 * read and written as one POJO value (state "dialogue-state"), history and redelivery keys inside it. Not part of the
 * build.
 */
public class DialogueFunction extends KeyedProcessFunction<String, UnderstoodMessage, BotReply> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<HandoffRequest> HANDOFFS =
            new OutputTag<>("handoffs", TypeInformation.of(HandoffRequest.class));

    private final DialogueSettings settings;
    private final Bots bots;
    private transient ValueState<DialogueState> state;
    private transient Map<String, BotPolicy> policies;

    public DialogueFunction(DialogueSettings settings, Bots bots) {
        this.settings = settings;
        this.bots = bots;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("dialogue-state", TypeInformation.of(DialogueState.class)));
        policies = new HashMap<>();
    }

    @Override
    public void processElement(UnderstoodMessage in, Context ctx, Collector<BotReply> out) throws Exception {
        InboundMessage inbound = in.inbound();
        UnifiedMessage message = inbound.message();
        BotDefinition bot = bots.get(message.botId());
        if (bot == null) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        DialogueState s = state.value();
        if (s == null) {
            s = new DialogueState();
        }
        String key = message.redeliveryKey();
        if (key != null) {
            if (s.recentRedeliveryKeys.contains(key)) {
                return;
            }
            s.recentRedeliveryKeys.add(key);
            trim(s.recentRedeliveryKeys, settings.dedupWindow());
        }
        BotPolicy policy = policies.computeIfAbsent(bot.id(), id -> new BotPolicy(bot));
        Decision decision = policy.decide(s, message, in.understanding(), now);
        s.touch(now);
        s.history.add(new Turn(Turn.USER, message.text(), message.timestamp(), decision.intent(),
                message.sender() == null ? null : message.sender().id()));
        for (int i = 0; i < decision.replies().size(); i++) {
            String text = decision.replies().get(i);
            s.history.add(new Turn(Turn.BOT, text, now, null));
            out.collect(new BotReply(message.platform(), message.botId(), inbound.sessionKey(), message.chatId(),
                    message.threadId(), message.messageId(), inbound.accountId(), message.messageId(),
                    inbound.receivedAt(), i, text, decision.intent(), decision.language(), decision.urgent(),
                    inbound.replyToken(), ChatType.DIRECT.equals(message.chatType()) && message.sender() != null
                            ? message.sender().id() : null, bot.version(), null, null, null));
        }
        trim(s.history, settings.historySize());
        long expiry = ((now + settings.sessionTimeout().toMillis()) / 1000 + 1) * 1000;
        if (expiry != s.expiryTimer) {
            if (s.expiryTimer != 0) {
                ctx.timerService().deleteProcessingTimeTimer(s.expiryTimer);
            }
            ctx.timerService().registerProcessingTimeTimer(expiry);
            s.expiryTimer = expiry;
        }
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<BotReply> out) throws Exception {
        DialogueState s = state.value();
        if (s != null && timestamp >= s.expiryTimer) {
            state.clear();
        }
    }

    private static <T> void trim(List<T> list, int max) {
        if (list.size() > max) {
            List<T> keep = new ArrayList<>(list.subList(list.size() - max, list.size()));
            list.clear();
            list.addAll(keep);
        }
    }
}
