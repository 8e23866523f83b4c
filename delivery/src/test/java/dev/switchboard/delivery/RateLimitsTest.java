package dev.switchboard.delivery;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.testkit.OutboundSamples;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The buckets on a clock the test moves: no window of a limit's period ever holds more than its permits. */
class RateLimitsTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    static OutboundRequest request(String platform, int conversation) throws Exception {
        InboundRecord r = OutboundSamples.records("chat.", platform, "acme", conversation, "s", "hi").get(0);
        return OutboundRequest.of(r, "chat.", "acme");
    }

    /** When each request is sent, the test clock moved on by each wait the limits ask for, in order. */
    List<Long> schedule(RateLimits limits, PlatformApi api, List<OutboundRequest> requests) {
        List<Long> at = new ArrayList<>();
        for (OutboundRequest r : requests) {
            boolean group = api.groupChat(r);
            long wait;
            while ((wait = limits.chatWait(api, r, group)) > 0) {
                now.addAndGet(wait);
            }
            now.addAndGet(limits.reserveBot(api, r));
            assertThat(limits.takeChat(api, r, group)).isTrue();
            at.add(now.get());
        }
        return at;
    }

    static int maxInAnyWindow(List<Long> times, Duration window) {
        int max = 0;
        for (int i = 0; i < times.size(); i++) {
            int n = 0;
            for (long t : times) {
                if (t >= times.get(i) && t < times.get(i) + window.toNanos()) {
                    n++;
                }
            }
            max = Math.max(max, n);
        }
        return max;
    }

    @Test
    void aBotLimitHoldsInEveryWindowAndIsNearlyUsed() throws Exception {
        RateLimits limits = new RateLimits(new Credentials(BotSettings.NONE), 1, now::get);
        PlatformApi telegram = PlatformApis.of("telegram");
        List<OutboundRequest> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(request("telegram", i)); // 300 chats: only the bot limit (30/s) applies
        }
        List<Long> at = schedule(limits, telegram, many);
        assertThat(maxInAnyWindow(at, Duration.ofSeconds(1))).isLessThanOrEqualTo(30);
        double seconds = (at.get(at.size() - 1) - at.get(0)) / 1e9;
        assertThat(299 / seconds).as("sends per second").isGreaterThan(27);
    }

    @Test
    void aSubtasksShareKeepsTheWholeWithinTheLimit() throws Exception {
        // Four subtasks, each its own buckets, each from the same start: together within the bot's 80/s (WhatsApp).
        List<Long> all = new ArrayList<>();
        long start = now.get();
        for (int subtask = 0; subtask < 4; subtask++) {
            now.set(start);
            RateLimits limits = new RateLimits(new Credentials(new BotSettings(Map.of("*.whatsapp.rate-per-chat", "none"))), 4, now::get);
            List<OutboundRequest> rs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                rs.add(request("whatsapp", subtask * 1000 + i));
            }
            all.addAll(schedule(limits, PlatformApis.of("whatsapp"), rs));
        }
        all.sort(null);
        assertThat(maxInAnyWindow(all, Duration.ofSeconds(1))).isLessThanOrEqualTo(80);
    }

    @Test
    void aTelegramGroupGetsTwentyAMinuteAndAPrivateChatOneASecond() throws Exception {
        RateLimits limits = new RateLimits(new Credentials(BotSettings.NONE), 1, now::get);
        PlatformApi telegram = PlatformApis.of("telegram");
        InboundRecord group = new InboundRecord("chat.out.telegram", 0, 0, 0, "-100123".getBytes(),
                "{\"chat_id\":-100123,\"text\":\"hi\"}".getBytes(), Map.of("endpoint", "sendMessage", "bot-id", "acme",
                        "idempotency-key", "k"));
        OutboundRequest g = OutboundRequest.of(group, "chat.", "acme");
        assertThat(telegram.groupChat(g)).isTrue();
        List<Long> groupTimes = schedule(limits, telegram, java.util.Collections.nCopies(40, g));
        assertThat(maxInAnyWindow(groupTimes, Duration.ofMinutes(1))).isLessThanOrEqualTo(20);
        OutboundRequest direct = request("telegram", 7);
        List<Long> directTimes = schedule(limits, telegram, java.util.Collections.nCopies(5, direct));
        assertThat(maxInAnyWindow(directTimes, Duration.ofMillis(999))).isEqualTo(1);
    }

    @Test
    void aBotsFileOverridesALimitOrLiftsIt() throws Exception {
        RateLimits limits = new RateLimits(new Credentials(new BotSettings(Map.of(
                "acme.slack.rate-per-chat", "3/1s", "*.slack.rate-per-bot", "none"))), 1, now::get);
        PlatformApi slack = PlatformApis.of("slack");
        assertThat(limits.limits(slack, "acme").perChat()).isEqualTo(new PlatformApi.Rate(3, Duration.ofSeconds(1)));
        assertThat(limits.limits(slack, "other").perChat()).isEqualTo(slack.limits().perChat());
        List<Long> at = schedule(limits, slack, java.util.Collections.nCopies(12, request("slack", 1)));
        assertThat(maxInAnyWindow(at, Duration.ofSeconds(1))).isLessThanOrEqualTo(3);
        assertThatThrownBy(() -> PlatformApi.Rate.parse("fast")).hasMessageContaining("<count>/<duration>");
    }

    @Test
    void aPlatformsWaitBlocksTheScopeItNames() throws Exception {
        RateLimits limits = new RateLimits(new Credentials(BotSettings.NONE), 1, now::get);
        OutboundRequest a = request("discord", 1);
        OutboundRequest b = request("discord", 2);
        limits.block(a, Verdict.Scope.CHAT, Duration.ofSeconds(2));
        assertThat(limits.blockedFor(a)).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(limits.blockedFor(b)).isZero();
        limits.block(b, Verdict.Scope.BOT, Duration.ofSeconds(5));
        assertThat(limits.blockedFor(a)).isEqualTo(Duration.ofSeconds(5).toNanos());
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(limits.blockedFor(a)).isZero();
    }
}
