package dev.switchboard.identity;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A link command in a message's text: {@code /link}, {@code link} or {@code 绑定} alone asks for a code;
 * followed by a code it redeems one; {@code /unlink}, {@code unlink} or {@code 解绑} separates the account.
 * Telegram's {@code /link@SomeBot} form is understood; case and surrounding space do not matter. Slack never
 * delivers {@code /}-prefixed text as a message, so its users write the plain words.
 *
 * @param code the code of a redemption as written (digits expected; anything else is a wrong code), else null
 */
public record LinkCommand(Kind kind, String code) {

    public enum Kind { ISSUE, REDEEM, UNLINK }

    private static final Pattern COMMAND = Pattern.compile(
            "^\\s*(?:/?(link|unlink)(?:@[A-Za-z0-9_]+)?|(绑定|解绑))(?:[\\s\\u3000:：]+(\\S+))?\\s*$",
            Pattern.CASE_INSENSITIVE);

    /** The command in {@code text}, or empty when the text is anything else. */
    public static Optional<LinkCommand> parse(String text) {
        if (text == null || text.length() > 64) {
            return Optional.empty();
        }
        Matcher m = COMMAND.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String word = m.group(1) != null ? m.group(1).toLowerCase(Locale.ROOT) : m.group(2);
        boolean unlink = word.equals("unlink") || word.equals("解绑");
        String argument = m.group(3);
        if (unlink) {
            return argument == null ? Optional.of(new LinkCommand(Kind.UNLINK, null)) : Optional.empty();
        }
        return Optional.of(argument == null ? new LinkCommand(Kind.ISSUE, null) : new LinkCommand(Kind.REDEEM, argument));
    }
}
