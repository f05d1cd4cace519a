package cai4j.model.llama;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores options with llama.cpp's C API, called through the Foreign Function &amp; Memory API on the
 * library the bindings already loaded ({@code libjllama.so} exports the {@code llama_*} symbols).
 *
 * <p>Why not the bindings' own {@code n_probs}: in de.kherud:llama 4.2.0 that path aborts the JVM.
 * Why a second context: the bindings keep their {@code llama_context} private. The model file is
 * memory-mapped, so the second load shares the weights' pages with the first; only a small KV
 * cache is added.
 *
 * <p>The probability of an option is exact: the softmax of the full logits row (temperature 1, no
 * truncation), multiplied along the option's tokens by the chain rule. One context, so calls are
 * serialised; the KV cache keeps the last prompt and only the new suffix is decoded. The prompt's
 * last logits row serves the first token of every option, so a one-token option such as " A"
 * costs no decoding step beyond reading the prompt.
 *
 * <p>The struct layouts below are those of the llama.cpp build inside de.kherud:llama 4.2.0; the
 * constructor checks the library's defaults against them and refuses to run on a mismatch rather
 * than read garbage.
 */
final class FfmOptionScorer implements OptionScorer {

    // struct llama_model_params (64 bytes)
    private static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"),
            JAVA_INT.withName("n_gpu_layers"),
            JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("main_gpu"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("tensor_split"),
            ADDRESS.withName("progress_callback"),
            ADDRESS.withName("progress_callback_user_data"),
            ADDRESS.withName("kv_overrides"),
            JAVA_BOOLEAN.withName("vocab_only"),
            JAVA_BOOLEAN.withName("use_mmap"),
            JAVA_BOOLEAN.withName("use_mlock"),
            JAVA_BOOLEAN.withName("check_tensors"),
            MemoryLayout.paddingLayout(4));

    // struct llama_context_params (120 bytes)
    private static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),
            JAVA_INT.withName("n_batch"),
            JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("rope_scaling_type"),
            JAVA_INT.withName("pooling_type"),
            JAVA_INT.withName("attention_type"),
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),
            JAVA_FLOAT.withName("defrag_thold"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("cb_eval"),
            ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),
            JAVA_INT.withName("type_v"),
            JAVA_BOOLEAN.withName("logits_all"),
            JAVA_BOOLEAN.withName("embeddings"),
            JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("flash_attn"),
            JAVA_BOOLEAN.withName("no_perf"),
            MemoryLayout.paddingLayout(3),
            ADDRESS.withName("abort_callback"),
            ADDRESS.withName("abort_callback_data"));

    // struct llama_batch (56 bytes)
    private static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("token"),
            ADDRESS.withName("embd"),
            ADDRESS.withName("pos"),
            ADDRESS.withName("n_seq_id"),
            ADDRESS.withName("seq_id"),
            ADDRESS.withName("logits"));

    private static final long N_CTX = CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("n_ctx"));
    private static final long N_BATCH = CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("n_batch"));
    private static final long N_UBATCH = CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("n_ubatch"));
    private static final long N_SEQ_MAX = CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("n_seq_max"));
    private static final long N_THREADS = CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("n_threads"));
    private static final long N_THREADS_BATCH = CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("n_threads_batch"));
    private static final long YARN_BETA_FAST = CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("yarn_beta_fast"));
    private static final long OFFLOAD_KQV = CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("offload_kqv"));
    private static final long NO_PERF = CONTEXT_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("no_perf"));
    private static final long SPLIT_MODE = MODEL_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("split_mode"));
    private static final long USE_MMAP = MODEL_PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("use_mmap"));

    private static final int BATCH_SIZE = 512;

    private final Arena arena = Arena.ofShared();
    private final MethodHandle tokenize, batchGetOne, decode, logitsIth, kvSeqRm, kvClear, free, modelFree;
    private final MemorySegment model, ctx, vocab;
    private final int nVocab, nCtx;
    /** The tokens whose keys and values are in the cache, in order. */
    private int[] cached = new int[0];
    private boolean closed;

    FfmOptionScorer(Path modelFile, int contextSize, int threads) {
        Linker linker = Linker.nativeLinker();
        // the bindings loaded libjllama.so through System.load from this class loader
        SymbolLookup lib = SymbolLookup.loaderLookup();
        MethodHandle modelDefaults = handle(linker, lib, "llama_model_default_params", FunctionDescriptor.of(MODEL_PARAMS));
        MethodHandle contextDefaults = handle(linker, lib, "llama_context_default_params", FunctionDescriptor.of(CONTEXT_PARAMS));
        MethodHandle load = handle(linker, lib, "llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, MODEL_PARAMS));
        MethodHandle init = handle(linker, lib, "llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, CONTEXT_PARAMS));
        MethodHandle getVocab = handle(linker, lib, "llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
        MethodHandle vocabSize = handle(linker, lib, "llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle ctxSize = handle(linker, lib, "llama_n_ctx", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        tokenize = handle(linker, lib, "llama_tokenize",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN));
        batchGetOne = handle(linker, lib, "llama_batch_get_one", FunctionDescriptor.of(BATCH, ADDRESS, JAVA_INT));
        decode = handle(linker, lib, "llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH));
        logitsIth = handle(linker, lib, "llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        kvSeqRm = handle(linker, lib, "llama_kv_self_seq_rm", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        kvClear = handle(linker, lib, "llama_kv_self_clear", FunctionDescriptor.ofVoid(ADDRESS));
        free = handle(linker, lib, "llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        modelFree = handle(linker, lib, "llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        try {
            MemorySegment mp = (MemorySegment) modelDefaults.invokeExact((java.lang.foreign.SegmentAllocator) arena);
            MemorySegment cp = (MemorySegment) contextDefaults.invokeExact((java.lang.foreign.SegmentAllocator) arena);
            checkLayout(mp, cp);
            mp.set(JAVA_BOOLEAN, USE_MMAP, true);
            model = (MemorySegment) load.invokeExact(arena.allocateFrom(modelFile.toString()), mp);
            if (model.equals(MemorySegment.NULL)) throw new IllegalStateException("llama.cpp could not load " + modelFile);
            cp.set(JAVA_INT, N_CTX, contextSize);
            cp.set(JAVA_INT, N_BATCH, BATCH_SIZE);
            cp.set(JAVA_INT, N_UBATCH, BATCH_SIZE);
            cp.set(JAVA_INT, N_SEQ_MAX, 1);
            cp.set(JAVA_INT, N_THREADS, threads);
            cp.set(JAVA_INT, N_THREADS_BATCH, threads);
            ctx = (MemorySegment) init.invokeExact(model, cp);
            if (ctx.equals(MemorySegment.NULL)) {
                modelFree.invokeExact(model);
                throw new IllegalStateException("llama.cpp could not create a context for " + modelFile);
            }
            vocab = (MemorySegment) getVocab.invokeExact(model);
            nVocab = (int) vocabSize.invokeExact(vocab);
            nCtx = (int) ctxSize.invokeExact(ctx);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException(t);
        }
    }

    /** Refuses a llama.cpp whose default parameters do not sit where this class expects them. */
    private static void checkLayout(MemorySegment mp, MemorySegment cp) {
        boolean ok = cp.get(JAVA_INT, N_CTX) == 512
                && cp.get(JAVA_INT, N_BATCH) == 2048
                && cp.get(JAVA_INT, N_UBATCH) == 512
                && cp.get(JAVA_INT, N_SEQ_MAX) == 1
                && cp.get(JAVA_FLOAT, YARN_BETA_FAST) == 32.0f
                && cp.get(JAVA_BOOLEAN, OFFLOAD_KQV)
                && cp.get(JAVA_BOOLEAN, NO_PERF)
                && mp.get(JAVA_INT, SPLIT_MODE) == 1
                && mp.get(JAVA_BOOLEAN, USE_MMAP);
        if (!ok) {
            throw new IllegalStateException("the bundled llama.cpp library has parameter layouts this version of cai4j does not know");
        }
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name)
                .orElseThrow(() -> new IllegalStateException("the llama.cpp library does not export " + name));
        return linker.downcallHandle(symbol, fd);
    }

    @Override
    public synchronized Scored score(String prompt, List<String> options) {
        if (closed) throw new IllegalStateException("the option scorer is closed");
        try (Arena call = Arena.ofConfined()) {
            int[] promptTokens = tokens(call, prompt, true, true);
            if (promptTokens.length == 0) throw new IllegalArgumentException("the prompt is empty");
            int reused = Math.min(SlotDispatcher.commonPrefix(cached, promptTokens), promptTokens.length - 1);
            // the prompt is read once; every option's first token is scored from its last logits row
            float[] afterPrompt = null;
            Map<String, Double> out = new LinkedHashMap<>();
            for (String option : options) {
                int[] optionTokens = tokens(call, option, false, false);
                if (optionTokens.length == 0) {
                    out.put(option, 0.0);
                    continue;
                }
                if (promptTokens.length + optionTokens.length > nCtx) {
                    throw new IllegalArgumentException("the prompt and option need " + (promptTokens.length + optionTokens.length)
                            + " tokens, more than the context of " + nCtx);
                }
                if (afterPrompt == null) afterPrompt = logitsAfter(call, promptTokens);
                double logp = logSoftmax(afterPrompt, optionTokens[0]);
                int[] seq = append(promptTokens, optionTokens[0]);
                for (int i = 1; i < optionTokens.length; i++) {
                    logp += logSoftmax(logitsAfter(call, seq), optionTokens[i]);
                    seq = append(seq, optionTokens[i]);
                }
                out.put(option, Math.exp(logp));
            }
            return new Scored(out, promptTokens.length, afterPrompt == null ? 0 : reused);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public synchronized int reuse(int[] prompt) {
        return Math.min(SlotDispatcher.commonPrefix(cached, prompt), Math.max(0, prompt.length - 1));
    }

    /** The logits row for the token after {@code seq}, reusing the cached prefix. */
    private float[] logitsAfter(Arena call, int[] seq) throws Throwable {
        int common = 0;
        while (common < cached.length && common < seq.length && cached[common] == seq[common]) common++;
        if (common == seq.length) common--; // at least one token must be decoded to get its logits
        if (common == 0) {
            kvClear.invokeExact(ctx);
        } else {
            boolean removed = (boolean) kvSeqRm.invokeExact(ctx, 0, common, -1);
            if (!removed) {
                kvClear.invokeExact(ctx);
                common = 0;
            }
        }
        cached = Arrays.copyOf(seq, common);
        for (int start = common; start < seq.length; start += BATCH_SIZE) {
            int n = Math.min(BATCH_SIZE, seq.length - start);
            MemorySegment toks = call.allocateFrom(JAVA_INT, Arrays.copyOfRange(seq, start, start + n));
            MemorySegment batch = (MemorySegment) batchGetOne.invokeExact((java.lang.foreign.SegmentAllocator) call, toks, n);
            int rc = (int) decode.invokeExact(ctx, batch);
            if (rc != 0) {
                kvClear.invokeExact(ctx);
                cached = new int[0];
                throw new IllegalStateException("llama_decode failed with code " + rc);
            }
            cached = Arrays.copyOf(seq, start + n);
        }
        MemorySegment row = (MemorySegment) logitsIth.invokeExact(ctx, -1);
        return row.reinterpret(4L * nVocab).toArray(JAVA_FLOAT);
    }

    /** log softmax(logits)[token], computed in double with the max subtracted so it cannot overflow. */
    static double logSoftmax(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        return logits[token] - max - Math.log(sum);
    }

    private int[] tokens(Arena call, String text, boolean addSpecial, boolean parseSpecial) throws Throwable {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment str = call.allocate(Math.max(1, utf8.length));
        MemorySegment.copy(utf8, 0, str, JAVA_BYTE_LAYOUT, 0, utf8.length);
        int max = utf8.length + 8;
        MemorySegment buf = call.allocate(JAVA_INT, max);
        int n = (int) tokenize.invokeExact(vocab, str, utf8.length, buf, max, addSpecial, parseSpecial);
        if (n < 0) {
            max = -n;
            buf = call.allocate(JAVA_INT, max);
            n = (int) tokenize.invokeExact(vocab, str, utf8.length, buf, max, addSpecial, parseSpecial);
        }
        return buf.asSlice(0, 4L * n).toArray(JAVA_INT);
    }

    private static final java.lang.foreign.ValueLayout.OfByte JAVA_BYTE_LAYOUT = java.lang.foreign.ValueLayout.JAVA_BYTE;

    private static int[] append(int[] a, int t) {
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = t;
        return b;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            free.invokeExact(ctx);
            modelFree.invokeExact(model);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            arena.close();
        }
    }
}
