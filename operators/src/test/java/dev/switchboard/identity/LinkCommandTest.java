package dev.switchboard.identity;

import dev.switchboard.identity.LinkCommand.Kind;
import dev.switchboard.model.Control;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.MessageKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkCommandTest {

    @Test
    void theWaysToAskForACodeRedeemItAndUnlink() {
        for (String text : new String[] {"/link", "link", "LINK", " /link ", "/link@AcmeSupportBot", "绑定"}) {
            assertThat(LinkCommand.parse(text)).as(text).contains(new LinkCommand(Kind.ISSUE, null));
        }
        for (String text : new String[] {"/link 123456", "link 123456", "/link@AcmeSupportBot 123456", "绑定 123456",
                "绑定：123456", "绑定\u3000123456", "Link   123456"}) {
            assertThat(LinkCommand.parse(text)).as(text).contains(new LinkCommand(Kind.REDEEM, "123456"));
        }
        for (String text : new String[] {"/unlink", "unlink", "解绑", "Unlink "}) {
            assertThat(LinkCommand.parse(text)).as(text).contains(new LinkCommand(Kind.UNLINK, null));
        }
        // A wrong-looking code is still a redemption (answered as a wrong code, counted).
        assertThat(LinkCommand.parse("link abc")).contains(new LinkCommand(Kind.REDEEM, "abc"));
    }

    @Test
    void otherTextIsNotACommand() {
        for (String text : new String[] {"", "hello", "link me to the docs please", "the link is broken", "unlink 123",
                "/linker", "blink", "绑定手机号怎么弄", null}) {
            assertThat(LinkCommand.parse(text)).as(String.valueOf(text)).isEqualTo(Optional.empty());
        }
    }

    @Test
    void aNotificationToAnAccountOrAPerson() throws Exception {
        InboundMessage n = Notifications.parse(utf8("{\"id\":48213,\"to\":{\"platform\":\"line\",\"userId\":\"U1\"},"
                + "\"text\":\"Shipped **today**\",\"priority\":\"urgent\"}"), "acme", "support", 1_000);
        assertThat(n.message().botId()).isEqualTo("acme");
        assertThat(n.message().messageId()).isEqualTo("48213");
        assertThat(n.message().platform()).isEqualTo("line");
        assertThat(n.message().sender().id()).isEqualTo("U1");
        assertThat(n.message().kind()).isEqualTo(MessageKind.NOTIFICATION);
        assertThat(n.control()).isEqualTo(new Control(Control.NOTIFY, null, true));
        assertThat(Notifications.person(n)).isNull();

        InboundMessage p = Notifications.parse(utf8("{\"id\":\"n2\",\"botId\":\"clinic\",\"to\":{\"person\":\"p-7\"},\"text\":\"See you at 9\"}"),
                null, "support", 1_000);
        assertThat(p.message().botId()).isEqualTo("clinic");
        assertThat(Notifications.person(p)).isEqualTo("p-7");
        assertThat(p.control().urgent()).isFalse();
        // Its dead letter carries it as it was sent.
        assertThat(new String(Notifications.toJson(p), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"n2\",\"botId\":\"clinic\",\"to\":{\"person\":\"p-7\"},\"text\":\"See you at 9\",\"priority\":\"normal\"}");
    }

    @Test
    void aNotificationThatCannotBeReadIsNamedWhy() {
        String[][] cases = {
                {"not json", "not valid JSON"},
                {"{\"to\":{\"person\":\"p\"},\"text\":\"x\"}", "\"id\" is missing"},
                {"{\"id\":\"1\",\"to\":{\"person\":\"p\"}}", "\"text\" is missing"},
                {"{\"id\":\"1\",\"text\":\"x\"}", "\"to\" is missing"},
                {"{\"id\":\"1\",\"to\":{\"platform\":\"icq\",\"userId\":\"9\"},\"text\":\"x\"}", "\"to.platform\" \"icq\" is none of"},
                {"{\"id\":\"1\",\"to\":{\"platform\":\"slack\"},\"text\":\"x\"}", "needs \"platform\" and \"userId\""},
                {"{\"id\":\"1\",\"to\":{\"person\":\"p\",\"platform\":\"slack\",\"userId\":\"U\"},\"text\":\"x\"}", "give one of them"},
                {"{\"id\":\"1\",\"to\":{\"person\":\"p\"},\"text\":\"x\",\"priority\":\"high\"}", "\"priority\" must be"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> Notifications.parse(utf8(c[0]), null, "support", 0)).as(c[0])
                    .isInstanceOf(MalformedPayloadException.class).hasMessageContaining(c[1])
                    .satisfies(e -> assertThat(((MalformedPayloadException) e).errorClass()).isEqualTo(Notifications.MALFORMED));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
