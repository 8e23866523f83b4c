package dev.switchboard.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.switchboard.model.Platforms;
import dev.switchboard.normalize.BotSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web channel's JWTs (Nimbus JOSE+JWT). Per bot, from the bots file: {@code <bot>.web.jwt-secret} (HS256, at
 * least 32 bytes) and/or {@code <bot>.web.jwks-file} (a JWKS file: RS256 and ES256 keys). A token is accepted when
 * its signature verifies with one of those, {@code aud} is the bot, {@code exp} is present and not past (30 s of
 * clock skew), {@code sub} is present, and its {@code scope} (space-separated, or a list) includes {@code chat}.
 * Unsigned tokens ({@code alg: none}) and algorithms the bot has no key for are refused.
 */
public final class WebTokens {
    public static final String SECRET = "jwt-secret";
    public static final String JWKS_FILE = "jwks-file";
    public static final String SCOPE = "chat";

    /** A verified caller. */
    public record Caller(String user, String name) {}

    /** A refusal, with a short reason for the 401. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason);
        }
    }

    private final BotSettings settings;
    private final Map<String, DefaultJWTProcessor<SecurityContext>> processors = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public WebTokens(BotSettings settings) {
        this.settings = settings;
    }

    /** Whether the bot takes web messages at all (it has a secret or a JWKS file). */
    public boolean configured(String bot) {
        return settings.get(bot, Platforms.WEB, SECRET) != null || settings.get(bot, Platforms.WEB, JWKS_FILE) != null;
    }

    /** The caller of a {@code Bearer} token for {@code bot}. */
    public Caller verify(String bot, String authorization) throws Refused {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Refused("missing bearer token (Authorization: Bearer <JWT>)");
        }
        String token = authorization.substring(7).trim();
        DefaultJWTProcessor<SecurityContext> processor = processor(bot);
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (BadJWTException e) {
            throw new Refused("token rejected: " + e.getMessage());
        } catch (java.text.ParseException e) {
            throw new Refused("not a JWT");
        } catch (com.nimbusds.jose.proc.BadJOSEException e) {
            throw new Refused("token rejected: " + e.getMessage());
        } catch (JOSEException e) {
            throw new Refused("token cannot be verified: " + e.getMessage());
        }
        Object scope = claims.getClaim("scope");
        boolean chat = scope instanceof String s && List.of(s.trim().split("\\s+")).contains(SCOPE)
                || scope instanceof List<?> l && l.contains(SCOPE);
        if (!chat) {
            throw new Refused("token rejected: scope must include '" + SCOPE + "'");
        }
        Object name = claims.getClaim("name");
        return new Caller(claims.getSubject(), name instanceof String n && !n.isBlank() ? n : null);
    }

    /**
     * A short-lived HS256 token for an anonymous visitor (the demo, local trials): {@code sub} a fresh random id,
     * {@code aud} the bot, {@code scope} chat. Needs the bot's {@code jwt-secret}.
     */
    public String mintAnonymous(String bot, Duration lifetime) throws Refused {
        String secret = settings.get(bot, Platforms.WEB, SECRET);
        if (secret == null) {
            throw new Refused("bot '" + bot + "' has no web.jwt-secret to sign visitor tokens with");
        }
        byte[] id = new byte[8];
        random.nextBytes(id);
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("visitor-" + HexFormat.of().formatHex(id)).audience(bot)
                .issueTime(new Date(now)).expirationTime(new Date(now + lifetime.toMillis())).claim("scope", SCOPE).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new Refused("cannot sign a visitor token: " + e.getMessage());
        }
    }

    private DefaultJWTProcessor<SecurityContext> processor(String bot) throws Refused {
        DefaultJWTProcessor<SecurityContext> p = processors.get(bot);
        if (p != null) {
            return p;
        }
        String secret = settings.get(bot, Platforms.WEB, SECRET);
        String jwks = settings.get(bot, Platforms.WEB, JWKS_FILE);
        if (secret == null && jwks == null) {
            throw new Refused("bot '" + bot + "' takes no web messages (no web.jwt-secret or web.jwks-file)");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        if (jwks != null) {
            JWKSet set;
            try {
                set = JWKSet.load(Path.of(jwks).toFile());
            } catch (Exception e) {
                throw new Refused("the bot's JWKS file cannot be read");
            }
            JWSVerificationKeySelector<SecurityContext> asymmetric = new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), new ImmutableJWKSet<>(set));
            if (secret != null) {
                JWSVerificationKeySelector<SecurityContext> hmac = new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                        new ImmutableSecret<>(secret.getBytes(StandardCharsets.UTF_8)));
                processor.setJWSKeySelector((header, context) -> JWSAlgorithm.HS256.equals(header.getAlgorithm())
                        ? hmac.selectJWSKeys(header, context) : asymmetric.selectJWSKeys(header, context));
            } else {
                processor.setJWSKeySelector(asymmetric);
            }
        } else {
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                    new ImmutableSecret<>(secret.getBytes(StandardCharsets.UTF_8))));
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(bot, null, Set.of("sub", "exp"));
        claims.setMaxClockSkew(30);
        processor.setJWTClaimsSetVerifier(claims);
        processors.put(bot, processor);
        return processor;
    }
}
