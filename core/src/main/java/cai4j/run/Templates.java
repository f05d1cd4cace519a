package cai4j.run;

import cai4j.constitution.ConstitutionPrompt;
import cai4j.data.DataStages;
import cai4j.evals.Template;
import java.util.Map;
import java.util.TreeMap;

/** The version of every prompt template a run may use, as it goes into the ledger key of each call. */
final class Templates {
    private Templates() {}

    /** Template name → version; the constitution's system prompt counts as one, since it shapes every prompted answer. */
    static Map<String, String> versions() {
        Map<String, String> out = new TreeMap<>();
        for (String name : Template.NAMES) out.put(name, Template.load(name).version());
        for (Template t : DataStages.templates()) out.put(t.name(), t.version());
        out.put("constitution-prompt", ConstitutionPrompt.VERSION);
        return out;
    }
}
