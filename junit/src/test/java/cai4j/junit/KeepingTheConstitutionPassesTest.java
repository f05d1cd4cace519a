package cai4j.junit;

import cai4j.testserver.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A constitution test as a user's build runs it, under Surefire itself: an application that keeps
 * every rule passes, and the module's Surefire report ({@code TEST-cai4j.junit.KeepingTheConstitutionPassesTest.xml})
 * lists one test case per scenario and one per tier. The judge is named the way a build names it,
 * by the system property {@code cai4j.judge}.
 */
class KeepingTheConstitutionPassesTest {
    static TestServer judge;

    @TempDir
    static Path ledger;

    @BeforeAll
    static void nameTheJudge() {
        judge = TestServer.start().answering(ScriptedChat::judge);
        System.setProperty(Settings.JUDGE, judge.openAiSpec("judge"));
        System.setProperty(Settings.LEDGER, ledger.toString());
    }

    @AfterAll
    static void forgetTheJudge() {
        System.clearProperty(Settings.JUDGE);
        System.clearProperty(Settings.LEDGER);
        judge.close();
    }

    @ConstitutionTest(constitution = ConstitutionGateTest.CONSTITUTION, scenarios = ConstitutionGateTest.SCENARIOS)
    Stream<DynamicNode> harborFollowsItsConstitution(ConstitutionGate gate) {
        return gate.check(ChatApplication.of(c -> ScriptedChat.reply(c, List.of(), List.of())));
    }
}
