package cai4j.run;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.data.DataStages;
import cai4j.evals.Template;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TemplatesTest {
    /**
     * Every template's version as the ledger keys of earlier runs hold it. A new form of version
     * would leave every recorded answer unreplayable; only an edit of a template's text may change
     * its entry here.
     */
    static final Map<String, String> RECORDED = Map.ofEntries(
            Map.entry("calibrate", "110db1d4e1a9"),
            Map.entry("conflict-lower-tier", "conflict-lower-tier@14ed6cfdbab75090"),
            Map.entry("constitution-prompt", "constitution-prompt@4"),
            Map.entry("critique-from-clause", "critique-from-clause@1cdc0bb1f1408c99"),
            Map.entry("distill-answer", "distill-answer@f0665466d03f7a16"),
            Map.entry("feedback-from-clause", "feedback-from-clause@c10e1e51615b6e1c"),
            Map.entry("filter", "85b89bf6a137"),
            Map.entry("filter-conflict", "57190cb40983"),
            Map.entry("generate-attack", "fe588ce5a249"),
            Map.entry("generate-benign", "fea4cd551998"),
            Map.entry("generate-conflict", "7da85327afe4"),
            Map.entry("generate-direct", "b38868328442"),
            Map.entry("judge-benign", "a460f5223dea"),
            Map.entry("judge-confirm", "0725e40680f7"),
            Map.entry("judge-conflict", "d2ea5e27160b"),
            Map.entry("judge-constitution", "88796fc3bf98"),
            Map.entry("judge-direct", "751f66193c17"),
            Map.entry("pair-conflict", "04c1acc220ae"),
            Map.entry("prefs-chain-of-thought", "prefs-chain-of-thought@37b6c2d4ba158f10"),
            Map.entry("prefs-choice", "prefs-choice@effcaa435e2b20c6"),
            Map.entry("prefs-sample", "prefs-sample@a5f298269abc20ff"),
            Map.entry("relevance", "e50cadbfc06a"),
            Map.entry("repair", "c25aaa5714f9"),
            Map.entry("revision-from-clause", "revision-from-clause@c27f16508a6aebd8"),
            Map.entry("sft-critique", "sft-critique@920935a414d2d96f"),
            Map.entry("sft-initial", "sft-initial@49925feb02db61f3"),
            Map.entry("sft-revision", "sft-revision@033dcda1026c6a79"),
            Map.entry("understand-application", "understand-application@0d0afb080608cf80"),
            Map.entry("understand-conflict", "understand-conflict@cbf22e8b70330742"),
            Map.entry("understand-meaning", "understand-meaning@6d8e4c7ca2fdf3b2"),
            Map.entry("understand-system", "understand-system@f9065b4e8f3aa7c9"));

    @Test
    void everyTemplateKeepsTheVersionThatEarlierRunsRecordedItsCallsUnder() {
        assertThat(Templates.versions()).containsExactlyInAnyOrderEntriesOf(RECORDED);
    }

    @Test
    void everyPlaceholderOfEveryTemplateIsFilled() {
        Pattern anyPlaceholder = Pattern.compile("\\{\\{([^{}]+)}}");
        List<Template> all = Stream.concat(Template.NAMES.stream().map(Template::load), DataStages.templates().stream()).toList();
        assertThat(all).hasSize(RECORDED.size() - 1).allSatisfy(t -> {
            Map<String, String> values = new HashMap<>();
            for (Matcher m = anyPlaceholder.matcher(t.text()); m.find(); ) values.put(m.group(1), "");
            assertThat(t.render(values)).as(t.name()).doesNotContainPattern(anyPlaceholder.pattern());
        });
    }
}
