package dev.switchboard.dialogue;

import dev.switchboard.model.Control;

import java.util.Map;

/**
 * What the bot says to a link command, in English and Chinese (other languages get the English text). The
 * placeholders: {@code {code}} the link code, {@code {attempts}} the wrong codes left, {@code {minutes}} the
 * minutes linking stays locked.
 */
public final class LinkingReplies {
    private LinkingReplies() {}

    private static final Map<String, Map<String, String>> TEXTS = Map.of(
            Control.LINK_CODE, Map.of(
                    "en", "Your link code is **{code}**. Within 10 minutes, send \"/link {code}\" to me on your other platform"
                            + " (on Slack: \"link {code}\"), and both chats become one conversation.",
                    "zh", "您的绑定码是 **{code}**。请在 10 分钟内在另一个平台上向我发送“绑定 {code}”，两个对话即合而为一。"),
            Control.LINKED, Map.of(
                    "en", "Linked. This chat continues the conversation of your other account.",
                    "zh", "绑定成功。此对话将延续您另一个账号的对话。"),
            Control.WRONG_CODE, Map.of(
                    "en", "That code is wrong or has expired ({attempts} tries left). Send /link on your other platform for a new one.",
                    "zh", "绑定码错误或已过期（还可尝试 {attempts} 次）。请在另一个平台发送“绑定”获取新的绑定码。"),
            Control.LINK_LOCKED, Map.of(
                    "en", "Too many wrong codes: linking is locked for this account for {minutes} minutes.",
                    "zh", "错误次数过多：此账号的绑定功能已锁定 {minutes} 分钟。"),
            Control.OWN_CODE, Map.of(
                    "en", "That is this account's own code. Send it to me from your other platform.",
                    "zh", "这是本账号自己的绑定码，请在另一个平台上发送给我。"),
            Control.UNLINKED, Map.of(
                    "en", "Unlinked. This chat is a conversation of its own again.",
                    "zh", "已解除绑定。此对话重新成为独立的对话。"),
            Control.NOT_LINKED, Map.of(
                    "en", "This account is not linked to another one.",
                    "zh", "此账号未与其他账号绑定。"),
            Control.DIRECT_ONLY, Map.of(
                    "en", "Linking works in a direct chat with me only.",
                    "zh", "绑定只能在与我的私聊中进行。"),
            Control.LINK_UNAVAILABLE, Map.of(
                    "en", "Linking is unavailable right now. Please try again later.",
                    "zh", "绑定功能暂时不可用，请稍后再试。"));

    /** The reply to a link command's outcome in {@code language}. */
    public static String reply(Control control, String language) {
        Map<String, String> texts = TEXTS.get(control.kind());
        if (texts == null) {
            throw new IllegalArgumentException("not a link outcome: " + control.kind());
        }
        String template = texts.getOrDefault(language, texts.get("en"));
        String detail = control.detail() == null ? "" : control.detail();
        return template.replace("{code}", detail).replace("{attempts}", detail).replace("{minutes}", detail);
    }
}
