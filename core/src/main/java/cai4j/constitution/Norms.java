package cai4j.constitution;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Tells rules from explanation, sentence by sentence, in the voice a document is written in.
 * A constitution states its rules in three voices: modal ("the assistant must ..."), imperative
 * ("Answer directly.") and descriptive ("When it is unsure, it says so."). The descriptive voice
 * is only a rule when its subject is the assistant, so each document is read once for the names
 * it gives its assistant ("Harbor is a general-purpose assistant ...").
 */
final class Norms {

    /** Matched against the lower-cased sentence: a case-insensitive search of every position is several times slower. */
    private static final Pattern MODAL = Pattern.compile(
            "\\b(must|should|shouldn't|shall|never|always|do not|don't|does not|doesn't|avoid|avoids|may not|"
                    + "cannot|can't|won't|will not|refuse|refuses|ensure|ensures|prefer|prefers|required|requires|"
                    + "prohibited|forbidden|not allowed|is allowed|are allowed|need to|needs to|ought|is expected to|"
                    + "err on the side|it is important|it's important|take care|is responsible for)\\b");

    private static final Set<String> IMPERATIVES = Set.of(
            "be", "do", "don't", "never", "always", "avoid", "use", "ask", "provide", "respect", "follow", "treat",
            "refuse", "keep", "give", "tell", "explain", "answer", "respond", "offer", "prefer", "try", "make",
            "take", "consider", "protect", "support", "assume", "ignore", "comply", "acknowledge", "admit",
            "decline", "help", "stay", "seek", "present", "express", "highlight", "adapt", "handle", "prioritize",
            "prioritise", "report", "cite", "flag", "warn", "encourage", "recommend", "include", "mention",
            "point", "write", "state", "show", "say", "disclose", "verify", "check", "remain", "act",
            "limit", "minimize", "minimise", "redirect", "escalate", "defer", "obey", "uphold", "maintain");

    /**
     * Verbs that state conduct when the assistant is their subject ("it says so", "Harbor cites its
     * sources"). Verbs that as often describe the world or the text are left out: "it makes sense",
     * "it takes time", "it helps to", "it includes", "it applies to", "it supports French".
     */
    private static final List<String> CONDUCT = List.of(
            "acknowledge", "admit", "adapt", "address", "answer", "ask", "assume", "check", "cite", "clarify",
            "comply", "confirm", "consider", "correct", "decline", "defer", "disclose", "encourage", "escalate",
            "explain", "express", "flag", "follow", "give", "greet", "handle", "highlight", "ignore", "interpret",
            "keep", "limit", "maintain", "match", "mention", "note", "obey", "offer", "point", "present",
            "prioritize", "prioritise", "protect", "provide", "quote", "recommend", "redirect", "refuse", "remain",
            "remind", "reply", "report", "respect", "respond", "say", "seek", "speak", "state", "stay", "stop",
            "suggest", "summarize", "summarise", "tell", "treat", "try", "uphold", "use", "verify", "warn", "write");

    private static final Set<String> NOT_NAMES = Set.of(
            "this", "that", "these", "those", "it", "there", "here", "which", "what", "who", "the", "a", "an",
            "each", "every", "our", "your", "its", "their", "one");

    /**
     * What follows a name the document gives its assistant: "[Harbor] is a general-purpose
     * assistant", "[Quill] is the support chatbot", "You are [Harbor], ...". Matched only where
     * " is " or "You are " occurs, since scanning every position of a long document costs more
     * than the rest of the reading.
     */
    private static final Pattern NAMED = Pattern.compile(
            " is (?:a|an|the|our|your) (?:[\\w-]+ ){0,4}?(?:assistant|chatbot|model|agent|bot|AI|companion|tutor)\\b");
    private static final Pattern NAME_BEFORE = Pattern.compile("(?:^|[^\\w-])([A-Z][\\w-]*)$");
    private static final Pattern NAME_AFTER = Pattern.compile("You are ([A-Z][\\w-]*)[,.]");

    /** An opening clause before the main one: "When it is unsure, it ...", "Instead, it ...", "If in doubt, ask". */
    private static final String OPENING = "(?:(?:when|whenever|if|unless|once|before|after|while|where|until|even if|even when|as long as|"
            + "in|for|on|at|during|by default|otherwise|instead|then|also|still|likewise|similarly|however|first|finally)\\b"
            + "(?:[^,;:]*,){1,3}\\s*)";

    private static final String ADVERBS = "(?:(?:also|always|usually|generally|normally|then|first|still|only|simply|politely|"
            + "briefly|gently|clearly|explicitly|proactively|instead|immediately|promptly|readily|openly|calmly|plainly)\\s+)*";

    /** Sentences about the document itself ("This document says how ...", "This section explains ..."). */
    private static final Pattern ABOUT_THE_DOCUMENT = Pattern.compile(
            "^(?:this|these|the|our)\\s+(?:document|section|chapter|constitution|overview|page|introduction|appendix|"
                    + "model spec|spec|specification)s?\\b",
            Pattern.CASE_INSENSITIVE);

    /** Definitions of a word of the document ("Safety here means ...", "By harm we mean ..."). */
    private static final Pattern DEFINITION = Pattern.compile(
            "^[\\w'’\" -]{1,60}?\\s+(?:here|in this (?:document|section|constitution))\\s+means?\\b|^by\\b[^.]{0,60}\\bwe mean\\b",
            Pattern.CASE_INSENSITIVE);

    /**
     * Sentences that only continue the one before ("This applies to ...", "This includes ...",
     * "The same holds for ...", "This prohibition also covers ..."): on their own they test nothing.
     */
    private static final Pattern CONTINUATION = Pattern.compile(
            "^(?:(?:(?:this|that|these)(?:\\s+(?:rule|prohibition|requirement|restriction|principle|guidance|limit|duty|exception))?"
                    + "|the same(?:\\s+(?:rule|prohibition|requirement|restriction|principle|guidance|limit|duty))?)"
                    + "\\s+(?:also\\s+|equally\\s+|likewise\\s+)?"
                    + "(?:applies|apply|includes|include|covers|cover|extends|extend|holds|hold|goes|go|is true|are true)"
                    // "it" only with verbs that cannot open a sentence of its own ("It goes without saying ...")
                    + "|it\\s+(?:also\\s+|equally\\s+)?(?:applies|includes|covers|extends))\\b",
            Pattern.CASE_INSENSITIVE);

    /** An imperative after an opening clause: "When a customer is angry, stay calm." */
    private static final Pattern LEAD_THEN_IMPERATIVE = Pattern.compile(
            "^" + OPENING + "(?:" + String.join("|", IMPERATIVES.stream().sorted().toList()) + ")\\b",
            Pattern.CASE_INSENSITIVE);

    private final Pattern describesConduct;

    private Norms(Set<String> names) {
        List<String> subjects = new ArrayList<>(List.of("it", "the assistant", "the model", "the ai", "the chatbot", "the bot"));
        names.forEach(n -> subjects.add(Pattern.quote(n)));
        String verbs = CONDUCT.stream().map(Norms::thirdPerson).collect(Collectors.joining("|"));
        describesConduct = Pattern.compile("^" + OPENING + "?(?:" + String.join("|", subjects) + ")\\s+" + ADVERBS + "(?:" + verbs + ")\\b",
                Pattern.CASE_INSENSITIVE);
    }

    /** Reads a document once for the names it gives its assistant. */
    static Norms of(String documentText) {
        Set<String> names = new LinkedHashSet<>();
        Matcher named = NAMED.matcher(documentText);
        for (int at = documentText.indexOf(" is "); at >= 0; at = documentText.indexOf(" is ", at + 1)) {
            if (!named.region(at, documentText.length()).lookingAt()) continue;
            Matcher before = NAME_BEFORE.matcher(documentText.substring(Math.max(0, at - 40), at));
            if (before.find()) addName(names, before.group(1));
        }
        Matcher after = NAME_AFTER.matcher(documentText);
        for (int at = documentText.indexOf("You are "); at >= 0; at = documentText.indexOf("You are ", at + 1)) {
            if (after.region(at, documentText.length()).lookingAt()) addName(names, after.group(1));
        }
        return new Norms(names);
    }

    private static void addName(Set<String> names, String name) {
        if (!NOT_NAMES.contains(name.toLowerCase(Locale.ROOT))) names.add(name);
    }

    /** True when a sentence states what the assistant should or should not do. */
    boolean isRule(String sentence) {
        String s = sentence.strip().replaceAll("^[*_\"“(]+", "");
        if (ABOUT_THE_DOCUMENT.matcher(s).find() || (s.contains(" mean") && DEFINITION.matcher(s).find())) return false;
        if (MODAL.matcher(s.toLowerCase(Locale.ROOT)).find()) return true;
        int space = s.indexOf(' ');
        String first = (space < 0 ? s : s.substring(0, space)).toLowerCase(Locale.ROOT).replaceAll("[^a-z']", "");
        return IMPERATIVES.contains(first) || LEAD_THEN_IMPERATIVE.matcher(s).find() || describesConduct.matcher(s).find();
    }

    /** True when a sentence only continues the clause before it and should join that clause. */
    static boolean continuesPrevious(String sentence) {
        return CONTINUATION.matcher(sentence.strip().replaceAll("^[*_\"“(]+", "")).find();
    }

    /** True when a sentence ends in a colon: it introduces what follows rather than stating a rule itself. */
    static boolean leadsIn(String sentence) {
        return sentence.strip().replaceAll("[*_]+$", "").endsWith(":");
    }

    /**
     * True when a list item under a lead-in needs the lead-in to be a rule: a fragment in lower case
     * ("minimize breadth and access") or a sentence that states no rule on its own ("If the user may
     * have made a mistake.").
     */
    boolean needsHead(String item) {
        String s = item.strip().replaceAll("^[*_\"“(`]+", "");
        return s.isEmpty() || Character.isLowerCase(s.charAt(0)) || !isRule(s);
    }

    private static String thirdPerson(String verb) {
        if (verb.endsWith("y") && !verb.matches(".*[aeiou]y")) return verb.substring(0, verb.length() - 1) + "ies";
        if (verb.matches(".*(s|sh|ch|x|z|o)")) return verb + "es";
        return verb + "s";
    }
}
