package dev.switchboard.model;

import java.util.List;

/** Platform names as they appear in topics ({@code chat.in.<platform>}) and in {@code platform}. */
public final class Platforms {
    public static final String TELEGRAM = "telegram";
    public static final String SLACK = "slack";
    public static final String WHATSAPP = "whatsapp";
    public static final String DISCORD = "discord";
    public static final String LINE = "line";
    public static final String FEISHU = "feishu";
    public static final String DINGTALK = "dingtalk";
    public static final String WECOM = "wecom";
    public static final String WECHAT = "wechat";
    /** The company's own web and app chat, served by the gateway (JWT-authenticated, replies pushed to the page). */
    public static final String WEB = "web";

    /** The instant-messaging platforms: their servers call the gateway and the delivery job calls theirs. */
    public static final List<String> MESSAGING = List.of(TELEGRAM, SLACK, WHATSAPP, DISCORD, LINE, FEISHU, DINGTALK, WECOM, WECHAT);

    /** Platforms this build can normalize and format: the messaging platforms and the web channel. */
    public static final List<String> SUPPORTED = List.of(TELEGRAM, SLACK, WHATSAPP, DISCORD, LINE, FEISHU, DINGTALK, WECOM, WECHAT, WEB);

    private Platforms() {}
}
