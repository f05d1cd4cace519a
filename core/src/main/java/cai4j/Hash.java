package cai4j.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex: ids of prompts and records, versions of prompt templates. */
public final class Hash {
    private Hash() {}

    public static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The first {@code n} hex digits of the SHA-256: short ids that still do not collide in practice. */
    public static String short16(String text) {
        return sha256(text).substring(0, 16);
    }
}
