package dev.switchboard.markup;

import dev.switchboard.markup.Markup.Block;
import dev.switchboard.markup.Markup.Bold;
import dev.switchboard.markup.Markup.Bullet;
import dev.switchboard.markup.Markup.Code;
import dev.switchboard.markup.Markup.CodeBlock;
import dev.switchboard.markup.Markup.Inline;
import dev.switchboard.markup.Markup.Italic;
import dev.switchboard.markup.Markup.Line;
import dev.switchboard.markup.Markup.Link;
import dev.switchboard.markup.Markup.Text;

import java.util.List;

/**
 * How one platform writes the common markup, with its own escaping. Rendering is per block, so a
 * splitter can cut between blocks and never inside an escape sequence, a link or a code block.
 */
public enum Flavor {
    /** No markup (LINE, Feishu text, WeChat): links become "text (url)". */
    PLAIN,
    /** Telegram with {@code parse_mode: HTML}: only {@code & < >} (and {@code "} in links) need escaping. */
    TELEGRAM_HTML,
    /** Slack mrkdwn: {@code & < >} escaped, {@code <url|text>} links. */
    SLACK_MRKDWN,
    /** Discord markdown: markdown characters in text escaped with a backslash. */
    DISCORD_MARKDOWN,
    /** WhatsApp: {@code *bold*}, {@code _italic_}, monospace; it has no escape, links as "text: url". */
    WHATSAPP,
    /** The markdown subset of DingTalk and WeCom markdown messages. */
    MARKDOWN_SUBSET;

    public String render(List<Block> blocks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(render(blocks.get(i)));
        }
        return sb.toString();
    }

    public String render(Block block) {
        if (block instanceof Line l) {
            return inlines(l.inlines());
        }
        if (block instanceof Bullet b) {
            return "• " + inlines(b.inlines());
        }
        return codeBlock(((CodeBlock) block).code());
    }

    /** Opening and closing of a code block, so a splitter can close and reopen one. */
    public String codeBlock(String code) {
        return switch (this) {
            case PLAIN -> code;
            case TELEGRAM_HTML -> "<pre>" + html(code) + "</pre>";
            case SLACK_MRKDWN -> "```\n" + slack(code) + "\n```";
            case DISCORD_MARKDOWN, WHATSAPP, MARKDOWN_SUBSET -> "```\n" + code.replace("```", "``\u200b`") + "\n```";
        };
    }

    private String inlines(List<Inline> inlines) {
        StringBuilder sb = new StringBuilder();
        for (Inline in : inlines) {
            sb.append(inline(in));
        }
        return sb.toString();
    }

    private String inline(Inline in) {
        if (in instanceof Text t) {
            return text(t.text());
        }
        if (in instanceof Bold b) {
            return wrap(this == TELEGRAM_HTML ? "<b>" : this == DISCORD_MARKDOWN || this == MARKDOWN_SUBSET ? "**"
                    : this == PLAIN ? "" : "*", b.text(), this == TELEGRAM_HTML ? "</b>" : null);
        }
        if (in instanceof Italic i) {
            return wrap(this == TELEGRAM_HTML ? "<i>" : this == DISCORD_MARKDOWN || this == MARKDOWN_SUBSET ? "*"
                    : this == PLAIN ? "" : "_", i.text(), this == TELEGRAM_HTML ? "</i>" : null);
        }
        if (in instanceof Code c) {
            return switch (this) {
                case PLAIN -> c.text();
                case TELEGRAM_HTML -> "<code>" + html(c.text()) + "</code>";
                case SLACK_MRKDWN -> "`" + slack(c.text()) + "`";
                case WHATSAPP -> "`" + c.text() + "`";
                case DISCORD_MARKDOWN, MARKDOWN_SUBSET -> "`" + c.text().replace("`", "'") + "`";
            };
        }
        Link l = (Link) in;
        return switch (this) {
            case PLAIN -> l.text() + " (" + l.url() + ")";
            case TELEGRAM_HTML -> "<a href=\"" + html(l.url()).replace("\"", "&quot;") + "\">" + html(l.text()) + "</a>";
            case SLACK_MRKDWN -> "<" + l.url().replace("|", "%7C").replace(">", "%3E") + "|" + slack(l.text()) + ">";
            case DISCORD_MARKDOWN -> "[" + discord(l.text()) + "](" + l.url() + ")";
            case WHATSAPP -> l.text() + ": " + l.url();
            case MARKDOWN_SUBSET -> "[" + markdown(l.text()) + "](" + l.url() + ")";
        };
    }

    /** {@code open + escaped text + close}; {@code close} null means the same marker as {@code open}. */
    private String wrap(String open, String text, String close) {
        return open + text(text) + (close == null ? open : close);
    }

    /** Plain text escaped for this flavour. */
    private String text(String s) {
        return switch (this) {
            case PLAIN, WHATSAPP -> s;
            case TELEGRAM_HTML -> html(s);
            case SLACK_MRKDWN -> slack(s);
            case DISCORD_MARKDOWN -> discord(s);
            case MARKDOWN_SUBSET -> markdown(s);
        };
    }

    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String slack(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Backslash before every character Discord's markdown would read. */
    static String discord(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\*_`~|>#-[]()".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    static String markdown(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\*_`[]".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
