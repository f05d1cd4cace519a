package cai4j.evals;

import cai4j.Hash;
import cai4j.model.Message;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Puts model-written text (a target's answer, a generated conversation) into a judge's prompt so
 * that it cannot pose as the prompt. Two locks: the markers carry a nonce derived from the
 * content itself (a text cannot contain the hash of itself), and &, < and > are escaped, so the
 * text cannot contain any closing marker at all. The judge, the scenario filter and the feedback
 * model of the data stages all put untrusted text in their prompts this way.
 */
public final class Untrusted {
    private Untrusted() {}

    public static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A 16-hex-digit nonce from everything that will sit between the markers. */
    public static String nonce(String... parts) {
        return Hash.sha256("nonce\n" + String.join("\n\u0000", parts)).substring(0, 16);
    }

    /** The conversation as escaped text, one block per turn. */
    public static String conversation(List<Message> messages) {
        return messages.stream()
                .map(m -> "[" + m.role() + "]\n" + escape(m.content()))
                .collect(Collectors.joining("\n\n"));
    }
}
