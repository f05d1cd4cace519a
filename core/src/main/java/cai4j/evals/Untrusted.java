package cai4j.evals;

import cai4j.Hash;
import cai4j.model.Message;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Puts model-written text (a target's answer, a generated conversation) into a prompt so that it
 * cannot pose as the prompt. The lock is the escaping: &, < and > are escaped, so the text cannot
 * contain any marker at all, opening or closing, whatever the marker's name. The markers also
 * carry a nonce, so that a marker the prompt names is never a word that occurs in ordinary text.
 * The nonce is derived from what stays the same for every text put into one prompt layout (the
 * rubric and the conversation, not the answer): prompts that grade several answers to one
 * conversation then share every byte up to the answer, and the model reads that prefix once. That
 * loses nothing: a text that cannot hold a '<' cannot close a marker even when it knows the nonce.
 * The judge, the scenario filter and the feedback model of the data stages all put untrusted text
 * in their prompts this way.
 */
public final class Untrusted {
    private Untrusted() {}

    public static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A 16-hex-digit nonce from the parts named (what the prompts that carry it have in common). */
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
