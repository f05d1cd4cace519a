package cai4j.bench;

import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Time to compile a constitution from disk: read, parse, split, id, lint. Run from the repository root. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompileBenchmark {

    @Param({"corpus/openai-model-spec-2025-12-18.md", "corpus/hf-constitution-anthropic.json", "examples/helpful-assistant.md"})
    public String file;

    @Benchmark
    public Constitution compile() {
        return Compiler.compile(Path.of(file));
    }
}
