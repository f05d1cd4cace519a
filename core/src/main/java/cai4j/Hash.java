package cai4j;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex of UTF-8 text: clause ids, ledger keys, prompt and record ids, template versions, file hashes. */
public final class Hash {
    private Hash() {}

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The first {@code n} hex digits of the SHA-256: short ids that still do not collide in practice. */
    public static String short16(String text) {
        return sha256(text).substring(0, 16);
    }
}
