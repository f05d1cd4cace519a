package cai4j.road;

import static cai4j.road.RoadTest.config;
import static cai4j.road.RoadTest.requests;
import static cai4j.road.RoadTest.runAll;
import static org.assertj.core.api.Assertions.assertThat;

import cai4j.ledger.LedgerKey;
import cai4j.model.Completion;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.testserver.Fault;
import cai4j.testserver.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code openai:M@URL1,URL2}: one model over several replicas of its server. */
class ReplicasTest {

    @TempDir Path run;

    private static String replicas(String model, String... urls) {
        return "openai:" + model + "@" + String.join(",", urls);
    }

    @Test
    void callsAreSpreadOverEveryReplica() throws Exception {
        try (TestServer a = TestServer.start(); TestServer b = TestServer.start();
             Road road = Road.open(run, config())) {
            List<Object> results = runAll(road.model(replicas("m", a.openAiBaseUrl(), b.openAiBaseUrl())), requests(40));
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
            assertThat(a.answered()).isGreaterThanOrEqualTo(10);
            assertThat(b.answered()).isGreaterThanOrEqualTo(10);
            assertThat(a.answered() + b.answered()).isEqualTo(40);
        }
    }

    @Test
    void withOneReplicaRefusingConnectionsEveryCallStillSucceeds() throws Exception {
        try (TestServer b = TestServer.start(); Road road = Road.open(run, config())) {
            List<Object> results = runAll(road.model(replicas("m", TestServer.refusedBaseUrl(), b.openAiBaseUrl())), requests(20));
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
            assertThat(b.answered()).isEqualTo(20);
        }
    }

    @Test
    void withOneReplicaAnswering500EveryCallStillSucceeds() throws Exception {
        try (TestServer a = TestServer.start().faults(call -> Fault.serverError()); TestServer b = TestServer.start();
             Road road = Road.open(run, config())) {
            List<Object> results = runAll(road.model(replicas("m", a.openAiBaseUrl(), b.openAiBaseUrl())), requests(20));
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
            assertThat(a.answered()).isZero();
            assertThat(a.faulted()).isPositive();
        }
    }

    @Test
    void aCallFailsOnlyWhenEveryReplicaFailsIt() throws Exception {
        try (TestServer a = TestServer.start().faults(call -> Fault.unavailable()); Road road = Road.open(run, config())) {
            List<Object> results = runAll(road.model(replicas("m", TestServer.refusedBaseUrl(), a.openAiBaseUrl())), requests(1));
            assertThat(results.getFirst()).isInstanceOf(ModelException.class);
            assertThat(((ModelException) results.getFirst()).getMessage()).startsWith("Every replica of openai:m failed the call");
        }
    }

    @Test
    void aRerunWithAnotherReplicaListOrOneOfItsUrlsReplaysFromTheLedger() throws Exception {
        try (TestServer a = TestServer.start(); TestServer b = TestServer.start()) {
            try (Road road = Road.open(run, config())) {
                runAll(road.model(replicas("m", a.openAiBaseUrl(), b.openAiBaseUrl())), requests(10));
            }
            int sent = a.received() + b.received();
            try (Road road = Road.open(run, config())) {
                assertThat(runAll(road.model(a.openAiSpec("m")), requests(10))).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
                assertThat(road.stats().replayed()).isEqualTo(10);
            }
            try (Road road = Road.open(run, config())) {
                runAll(road.model(replicas("m", b.openAiBaseUrl(), TestServer.refusedBaseUrl())), requests(10));
                assertThat(road.stats().replayed()).isEqualTo(10);
            }
            assertThat(a.received() + b.received()).isEqualTo(sent);
        }
    }

    @Test
    void aSingleUrlKeepsItsLedgerKeyAndAReplicaListReplaysItsAnswers() throws Exception {
        ModelSpec one = ModelSpec.parse("openai:m@http://a:8000/v1");
        // the key a single-URL spec had before replicas existed, so ledgers written then still replay
        assertThat(LedgerKey.of(one, RoadTest.ask("q"))).isEqualTo("628bde302471508b62db00cec5878ee9ae9eb4f2722f277196faccaa1aa49a96");
        assertThat(LedgerKey.of(ModelSpec.parse("openai:m@http://b:8000/v1,http://a:8000/v1"), RoadTest.ask("q")))
                .isEqualTo(LedgerKey.of(ModelSpec.parse("openai:m@http://c:8000/v1,http://d:8000/v1"), RoadTest.ask("q")))
                .isNotEqualTo(LedgerKey.of(one, RoadTest.ask("q")));
        try (TestServer a = TestServer.start()) {
            try (Road road = Road.open(run, config())) {
                runAll(road.model(a.openAiSpec("m")), requests(5));
            }
            try (Road road = Road.open(run, config())) {
                runAll(road.model(replicas("m", TestServer.refusedBaseUrl(), a.openAiBaseUrl())), requests(5));
                assertThat(road.stats().replayed()).isEqualTo(5);
            }
            assertThat(a.received()).isEqualTo(5);
        }
    }
}
