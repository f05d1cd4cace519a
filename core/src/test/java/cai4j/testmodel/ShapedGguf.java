package cai4j.testmodel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random-weight Llama-architecture model of any shape in GGUF format, its matrices in
 * Q4_0, streamed to disk: with {@link Shape#DEFAULT_MODEL} it has the shape of the embedded default
 * model (1.5B parameters), so benchmarks measure the arithmetic of a real run without downloading
 * anything. The text it writes is noise; the cost of reading prompts and generating is the real one.
 *
 * <p>The vocabulary: the 256 bytes, the merges (the tiny model's few, or merges learnt from text
 * like the prompts, see {@link #merges}), the ChatML control tokens, padded with filler tokens to
 * the shape's size with filler words the merges reach ({@link #reachableFillers}), then with
 * unreachable fillers if the merges are too few. The filler tokens are of type 1 (normal): with type 5 (unused)
 * llama.cpp never emits them and random weights then put most probability on tokens it drops, so
 * answers come back empty. Q4_0 blocks are 32 weights: an f16 scale and 16 bytes of 4-bit values.
 */
public final class ShapedGguf {

    /** The dimensions of a model. */
    public record Shape(int blocks, int embedding, int heads, int kvHeads, int feedForward, int vocabulary) {
        /** Qwen2.5-1.5B-Instruct's shape: 28 blocks, 1536 wide, 12 heads (2 for keys and values), FFN 8960, 151,936 tokens. */
        public static final Shape DEFAULT_MODEL = new Shape(28, 1536, 12, 2, 8960, 151_936);
    }

    /**
     * The output layer's weights are this much smaller than the others', so that a sampled token is
     * drawn from a nearly flat distribution. The last hidden state of a deep random network barely
     * depends on its input, and a full-scale output layer then samples the same word again and
     * again: with the default shape every scenario came out "shoulders shoulders ..." and
     * deduplication dropped all but one. (Greedy answers, temperature 0, still repeat a word.)
     */
    static final double OUTPUT_SCALE = 1.0 / 64;

    private static final int Q4_0 = 2, F32 = 0, BLOCK = 32, BLOCK_BYTES = 18;
    /**
     * Merges the benchmark's tokenizer learns at most: more than the corpus's pairs that occur twice
     * or more (about 13,800), so it learns them all. That reads English prose at about 4.4 to 5
     * characters a token, as cl100k_base, a close relative of the default model's tokenizer, does
     * (bench/README.md, "The embedded run").
     */
    static final int MERGES = 20_000;

    private ShapedGguf() {}

    public static Path write(Path file, Shape shape, long seed) {
        return write(file, shape, seed, TinyGguf.MERGES);
    }

    /**
     * Writes a model whose tokenizer has the given merges (GPT-2 byte-to-unicode spelling, "a b"),
     * for example {@link #merges} learnt from text like the prompts a benchmark sends, so that the
     * model reads a prompt in about as many tokens as a real tokenizer would.
     */
    public static Path write(Path file, Shape shape, long seed, List<String> merges) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) tokens.add(TinyGguf.byteToUnicode(b));
        java.util.Set<String> known = new java.util.HashSet<>(tokens);
        for (String m : merges) {
            String t = m.replace(" ", "");
            if (known.add(t)) tokens.add(t);
        }
        List<String> control = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
        List<String> allMerges = new ArrayList<>(merges);
        for (String[] f : reachableFillers(merges, shape.vocabulary() - control.size() - tokens.size(), known)) {
            tokens.add(f[0] + f[1]);
            allMerges.add(f[0] + " " + f[1]);
        }
        for (int i = 0; tokens.size() < shape.vocabulary() - control.size(); i++) {
            String filler = "Ġw" + Integer.toString(i, 36) + "_";
            if (known.add(filler)) tokens.add(filler);
        }
        tokens.addAll(control);
        int[] types = new int[tokens.size()];
        for (int i = 0; i < types.length; i++) types[i] = tokens.get(i).startsWith("<|") ? 3 : 1;
        int headDim = shape.embedding() / shape.heads();

        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("general.architecture", "llama");
        kv.put("general.name", "cai4j random llama " + shape);
        kv.put("general.alignment", new TinyGguf.U32(TinyGguf.ALIGN));
        kv.put("llama.context_length", new TinyGguf.U32(32768));
        kv.put("llama.embedding_length", new TinyGguf.U32(shape.embedding()));
        kv.put("llama.block_count", new TinyGguf.U32(shape.blocks()));
        kv.put("llama.feed_forward_length", new TinyGguf.U32(shape.feedForward()));
        kv.put("llama.attention.head_count", new TinyGguf.U32(shape.heads()));
        kv.put("llama.attention.head_count_kv", new TinyGguf.U32(shape.kvHeads()));
        kv.put("llama.rope.dimension_count", new TinyGguf.U32(headDim));
        kv.put("llama.rope.freq_base", 1_000_000f);
        kv.put("llama.attention.layer_norm_rms_epsilon", 1e-6f);
        kv.put("llama.vocab_size", new TinyGguf.U32(tokens.size()));
        kv.put("tokenizer.ggml.model", "gpt2");
        kv.put("tokenizer.ggml.pre", "qwen2");
        kv.put("tokenizer.ggml.tokens", tokens);
        kv.put("tokenizer.ggml.token_type", types);
        kv.put("tokenizer.ggml.merges", allMerges);
        kv.put("tokenizer.ggml.bos_token_id", new TinyGguf.U32(tokens.indexOf("<|endoftext|>")));
        kv.put("tokenizer.ggml.eos_token_id", new TinyGguf.U32(tokens.indexOf("<|im_end|>")));
        kv.put("tokenizer.ggml.padding_token_id", new TinyGguf.U32(tokens.indexOf("<|endoftext|>")));
        kv.put("tokenizer.ggml.add_bos_token", false);
        kv.put("tokenizer.chat_template", TinyGguf.CHAT_TEMPLATE);

        int e = shape.embedding(), kvWidth = shape.kvHeads() * headDim, ff = shape.feedForward();
        Map<String, long[]> tensors = new LinkedHashMap<>();
        tensors.put("token_embd.weight", new long[] {e, tokens.size()});
        for (int b = 0; b < shape.blocks(); b++) {
            String p = "blk." + b + ".";
            tensors.put(p + "attn_norm.weight", new long[] {e});
            tensors.put(p + "attn_q.weight", new long[] {e, e});
            tensors.put(p + "attn_k.weight", new long[] {e, kvWidth});
            tensors.put(p + "attn_v.weight", new long[] {e, kvWidth});
            tensors.put(p + "attn_output.weight", new long[] {e, e});
            tensors.put(p + "ffn_norm.weight", new long[] {e});
            tensors.put(p + "ffn_gate.weight", new long[] {e, ff});
            tensors.put(p + "ffn_up.weight", new long[] {e, ff});
            tensors.put(p + "ffn_down.weight", new long[] {ff, e});
        }
        tensors.put("output_norm.weight", new long[] {e});
        tensors.put("output.weight", new long[] {e, tokens.size()});

        TinyGguf.Buf header = new TinyGguf.Buf();
        header.u32(0x46554747); // "GGUF"
        header.u32(3);
        header.u64(tensors.size());
        header.u64(kv.size());
        kv.forEach((k, v) -> {
            header.str(k);
            TinyGguf.value(header, v);
        });
        long offset = 0;
        for (var t : tensors.entrySet()) {
            header.str(t.getKey());
            header.u32(t.getValue().length);
            for (long d : t.getValue()) header.u64(d);
            boolean vector = t.getValue().length == 1;
            header.u32(vector ? F32 : Q4_0);
            header.u64(offset);
            offset = TinyGguf.align(offset + bytes(t.getValue()));
        }
        header.pad();

        SplittableRandom rnd = new SplittableRandom(seed);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                write(out, ByteBuffer.wrap(header.bytes()));
                long written = 0;
                for (var t : tensors.entrySet()) {
                    long[] dims = t.getValue();
                    long n = bytes(dims);
                    if (dims.length == 1) writeOnes(out, dims[0]);
                    else writeQ4(out, dims, rnd, t.getKey().equals("output.weight") ? OUTPUT_SCALE : 1.0);
                    long padded = TinyGguf.align(n);
                    if (padded > n) write(out, ByteBuffer.allocate((int) (padded - n)));
                    written += padded;
                }
                assert written == offset;
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return file;
    }

    /**
     * Filler words the tokenizer reaches: each joins a learnt word-start token (" the") and a learnt
     * letters-only token ("ing") by one more merge, ranked after the learnt ones, and is kept only
     * when the learnt merges alone split the word into exactly those two. Random weights then write
     * words that read back as the tokens they were written in, as a real model's text does. A
     * filler no merge reaches reads back as a token for every byte or two, so every later prompt
     * that quotes an answer (the judge's, a critique's) would be several times longer than with a
     * real model. Up to {@code wanted} pairs, each {word start, rest}; fewer when the merges are few.
     */
    static List<String[]> reachableFillers(List<String> merges, int wanted, java.util.Set<String> known) {
        Map<String, Integer> rank = ranks(merges);
        List<String> starts = new ArrayList<>(), rests = new ArrayList<>();
        for (String m : merges) {
            String t = m.replace(" ", "");
            if (t.matches("Ġ[a-z]+")) starts.add(t);
            else if (t.matches("[a-z]{2,}")) rests.add(t);
        }
        List<String[]> out = new ArrayList<>();
        java.util.Set<String> taken = new java.util.HashSet<>(known);
        for (String rest : rests.stream().distinct().toList()) {
            for (String start : starts.stream().distinct().toList()) {
                if (out.size() >= wanted) return out;
                String word = start + rest;
                if (!taken.contains(word) && encode(word, rank).equals(List.of(start, rest))) {
                    taken.add(word);
                    out.add(new String[] {start, rest});
                }
            }
        }
        return out;
    }

    private static Map<String, Integer> ranks(List<String> merges) {
        Map<String, Integer> rank = new java.util.HashMap<>();
        for (int i = 0; i < merges.size(); i++) rank.putIfAbsent(merges.get(i), i);
        return rank;
    }

    /**
     * How many tokens the tokenizer of {@code merges} reads {@code text} in: the pre-tokenizer
     * ({@link #WORDS}), then {@link #encode} on each word, as llama.cpp does with the written model.
     */
    static int tokens(String text, List<String> merges) {
        Map<String, Integer> rank = ranks(merges);
        Map<String, Integer> seen = new java.util.HashMap<>();
        int n = 0;
        var m = WORDS.matcher(text);
        while (m.find()) n += seen.computeIfAbsent(m.group(), w -> encode(spelled(w), rank).size());
        return n;
    }

    /** A word in GPT-2's byte-to-unicode spelling: one character a UTF-8 byte. */
    private static String spelled(String word) {
        StringBuilder s = new StringBuilder();
        for (byte b : word.getBytes(java.nio.charset.StandardCharsets.UTF_8)) s.append(TinyGguf.byteToUnicode(b & 0xFF));
        return s.toString();
    }

    /** Byte-pair encoding of one pre-tokenized word in byte-to-unicode spelling: the lowest-ranked neighbouring pair merges first, as llama.cpp does. */
    static List<String> encode(String word, Map<String, Integer> rank) {
        List<String> s = new ArrayList<>();
        for (char c : word.toCharArray()) s.add(String.valueOf(c));
        while (s.size() > 1) {
            int best = -1, bestRank = Integer.MAX_VALUE;
            for (int j = 0; j + 1 < s.size(); j++) {
                Integer r = rank.get(s.get(j) + " " + s.get(j + 1));
                if (r != null && r < bestRank) {
                    best = j;
                    bestRank = r;
                }
            }
            if (best < 0) break;
            s.set(best, s.get(best) + s.get(best + 1));
            s.remove(best + 1);
        }
        return s;
    }

    /**
     * Qwen2's pre-tokenizer (llama.cpp's {@code qwen2}, cl100k's pattern with single digits), as the
     * default model's: words with one leading space or punctuation mark, digits one by one,
     * punctuation runs with the line breaks after them, line breaks with the spaces before them.
     */
    private static final java.util.regex.Pattern WORDS = java.util.regex.Pattern.compile(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    /**
     * Byte-pair-encoding merges learnt from {@code text}: up to {@code count} times, the most
     * frequent pair of neighbouring symbols within a word becomes one symbol (ties by spelling, so
     * the result depends only on the text), as long as some pair occurs twice or more.
     */
    public static List<String> merges(String text, int count) {
        Map<List<String>, Integer> words = new java.util.HashMap<>();
        var m = WORDS.matcher(text);
        while (m.find()) {
            List<String> w = new ArrayList<>();
            for (char c : spelled(m.group()).toCharArray()) w.add(String.valueOf(c));
            words.merge(w, 1, Integer::sum);
        }
        List<List<String>> symbols = new ArrayList<>();
        List<Integer> freq = new ArrayList<>();
        words.forEach((w, n) -> { symbols.add(new ArrayList<>(w)); freq.add(n); });
        // pair counts and the words each pair occurs in, kept up to date as merges rewrite words
        Map<String, Integer> pairs = new java.util.HashMap<>();
        Map<String, java.util.Set<Integer>> where = new java.util.HashMap<>();
        for (int i = 0; i < symbols.size(); i++) count(symbols.get(i), i, freq.get(i), pairs, where, +1, null);
        // the most frequent pair first, ties by spelling; an entry whose count has changed since is skipped
        java.util.PriorityQueue<Map.Entry<String, Integer>> queue = new java.util.PriorityQueue<>(
                Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        pairs.forEach((p, n) -> queue.add(Map.entry(p, n)));
        List<String> out = new ArrayList<>();
        while (out.size() < count) {
            while (!queue.isEmpty() && !queue.peek().getValue().equals(pairs.get(queue.peek().getKey()))) queue.poll();
            if (queue.isEmpty() || queue.peek().getValue() < 2) break;
            String best = queue.poll().getKey();
            out.add(best);
            String left = best.substring(0, best.indexOf(' ')), right = best.substring(best.indexOf(' ') + 1);
            java.util.Set<String> changed = new java.util.HashSet<>();
            for (int i : List.copyOf(where.getOrDefault(best, java.util.Set.of()))) {
                List<String> w = symbols.get(i);
                count(w, i, freq.get(i), pairs, where, -1, changed);
                for (int j = 0; j + 1 < w.size(); j++) {
                    if (w.get(j).equals(left) && w.get(j + 1).equals(right)) {
                        w.set(j, left + right);
                        w.remove(j + 1);
                    }
                }
                count(w, i, freq.get(i), pairs, where, +1, changed);
            }
            for (String p : changed) if (pairs.containsKey(p)) queue.add(Map.entry(p, pairs.get(p)));
        }
        return out;
    }

    private static void count(List<String> w, int word, int n, Map<String, Integer> pairs, Map<String, java.util.Set<Integer>> where, int sign,
            java.util.Set<String> changed) {
        for (int j = 0; j + 1 < w.size(); j++) {
            String p = w.get(j) + " " + w.get(j + 1);
            int c = pairs.getOrDefault(p, 0) + sign * n;
            if (c > 0) pairs.put(p, c);
            else pairs.remove(p);
            if (sign > 0) where.computeIfAbsent(p, x -> new java.util.HashSet<>()).add(word);
            if (changed != null) changed.add(p);
        }
    }

    private static long bytes(long[] dims) {
        if (dims.length == 1) return 4L * dims[0];
        return dims[0] / BLOCK * BLOCK_BYTES * dims[1];
    }

    private static void writeOnes(FileChannel out, long n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) (4 * n)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putFloat(1f);
        write(out, b.flip());
    }

    /** Rows of random 4-bit weights whose scale keeps activations of order one (weights about 1/sqrt(fan-in)). */
    private static void writeQ4(FileChannel out, long[] dims, SplittableRandom rnd, double factor) throws IOException {
        // a uniform 4-bit value less 8 has a standard deviation of about 4.6
        short scale = Float.floatToFloat16((float) (factor / (4.6 * Math.sqrt(dims[0]))));
        long blocks = dims[0] / BLOCK * dims[1];
        ByteBuffer b = ByteBuffer.allocate(BLOCK_BYTES * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < blocks; i++) {
            b.putShort(scale);
            b.putLong(rnd.nextLong());
            b.putLong(rnd.nextLong());
            if (!b.hasRemaining()) {
                write(out, b.flip());
                b.clear();
            }
        }
        if (b.position() > 0) write(out, b.flip());
    }

    private static void write(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) out.write(b);
    }

    /** The text the benchmark's merges are learnt from: {@code corpus/} and {@code examples/} under the repository's {@code root}. */
    static String text(Path root) {
        StringBuilder text = new StringBuilder();
        for (String dir : List.of("corpus", "examples")) {
            try (var files = Files.walk(root.resolve(dir))) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(md|json|jsonl|txt)$")).sorted().toList()) {
                    text.append(Files.readString(f)).append('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text.toString();
    }

    /**
     * Writes the default model's shape, or another: {@code java ShapedGguf FILE [BLOCKS EMBEDDING
     * HEADS KV_HEADS FEED_FORWARD VOCABULARY]}.
     */
    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : "random-1.5b-q4_0.gguf");
        Shape shape = Shape.DEFAULT_MODEL;
        if (args.length >= 7) {
            int[] d = new int[6];
            for (int i = 0; i < 6; i++) d[i] = Integer.parseInt(args[i + 1]);
            shape = new Shape(d[0], d[1], d[2], d[3], d[4], d[5]);
        }
        // merges learnt from the project's corpus and examples (run from the repository root), so
        // that prompts take about as many tokens as with a real tokenizer
        write(file, shape, 42, merges(text(Path.of("")), MERGES));
        System.out.println(file);
    }
}
