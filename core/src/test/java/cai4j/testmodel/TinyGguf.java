package cai4j.testmodel;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a tiny random-weight Llama-architecture model in GGUF format, so that the embedded
 * provider can be tested on the real llama.cpp runtime without downloading anything.
 *
 * <p>The model: embedding 64, 2 blocks, 4 heads, feed-forward 128, all tensors F32; a byte-level
 * GPT-2 style BPE vocabulary (the 256 bytes, a handful of merges, and the ChatML control tokens
 * {@code <|endoftext|>}, {@code <|im_start|>}, {@code <|im_end|>}); a ChatML chat template in
 * {@code tokenizer.chat_template}. The same seed always writes the same bytes. About 500 KB.
 *
 * <p>GPT-2 BPE is chosen over SentencePiece because it is the tokenizer of the Qwen2.5 default
 * model, so the tiny model goes down the same tokenizer path in llama.cpp. The random output
 * matrix is scaled up so that next-token distributions are peaked rather than uniform, which
 * makes probability and determinism tests able to fail.
 */
public final class TinyGguf {
    public static final int EMBEDDING = 64;
    public static final int BLOCKS = 2;
    public static final int HEADS = 4;
    public static final int FEED_FORWARD = 128;
    public static final String CHAT_TEMPLATE =
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
                    + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    /** Merges on top of the 256 byte tokens (GPT-2 byte-to-unicode spelling, Ġ is a space). */
    static final List<String> MERGES = List.of("Ġ t", "h e", "i n", "Ġ a", "e r", "o n");

    private TinyGguf() {}

    /** Writes the model to {@code dir/tiny.gguf} with seed 42 and returns the file. */
    public static Path write(Path dir) {
        return write(dir.resolve("tiny.gguf"), 42);
    }

    public static Path write(Path file, long seed) {
        List<String> tokens = vocabulary();
        int nVocab = tokens.size();
        int[] types = new int[nVocab];
        for (int i = 0; i < nVocab; i++) types[i] = tokens.get(i).startsWith("<|") ? 3 : 1; // 3 = control
        int eot = tokens.indexOf("<|im_end|>");

        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("general.architecture", "llama");
        kv.put("general.name", "cai4j tiny random llama");
        kv.put("general.alignment", new U32(32));
        kv.put("llama.context_length", new U32(2048));
        kv.put("llama.embedding_length", new U32(EMBEDDING));
        kv.put("llama.block_count", new U32(BLOCKS));
        kv.put("llama.feed_forward_length", new U32(FEED_FORWARD));
        kv.put("llama.attention.head_count", new U32(HEADS));
        kv.put("llama.attention.head_count_kv", new U32(HEADS));
        kv.put("llama.rope.dimension_count", new U32(EMBEDDING / HEADS));
        kv.put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        kv.put("llama.vocab_size", new U32(nVocab));
        kv.put("tokenizer.ggml.model", "gpt2");
        kv.put("tokenizer.ggml.pre", "default");
        kv.put("tokenizer.ggml.tokens", tokens);
        kv.put("tokenizer.ggml.token_type", types);
        kv.put("tokenizer.ggml.merges", MERGES);
        kv.put("tokenizer.ggml.bos_token_id", new U32(tokens.indexOf("<|endoftext|>")));
        kv.put("tokenizer.ggml.eos_token_id", new U32(eot));
        kv.put("tokenizer.ggml.padding_token_id", new U32(tokens.indexOf("<|endoftext|>")));
        kv.put("tokenizer.ggml.add_bos_token", false);
        kv.put("tokenizer.chat_template", CHAT_TEMPLATE);

        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("token_embd.weight", Tensor.random(rnd, 1.0, EMBEDDING, nVocab));
        for (int b = 0; b < BLOCKS; b++) {
            String p = "blk." + b + ".";
            double s = 1.0 / Math.sqrt(EMBEDDING);
            tensors.put(p + "attn_norm.weight", Tensor.ones(EMBEDDING));
            tensors.put(p + "attn_q.weight", Tensor.random(rnd, s, EMBEDDING, EMBEDDING));
            tensors.put(p + "attn_k.weight", Tensor.random(rnd, s, EMBEDDING, EMBEDDING));
            tensors.put(p + "attn_v.weight", Tensor.random(rnd, s, EMBEDDING, EMBEDDING));
            tensors.put(p + "attn_output.weight", Tensor.random(rnd, s, EMBEDDING, EMBEDDING));
            tensors.put(p + "ffn_norm.weight", Tensor.ones(EMBEDDING));
            tensors.put(p + "ffn_gate.weight", Tensor.random(rnd, s, EMBEDDING, FEED_FORWARD));
            tensors.put(p + "ffn_up.weight", Tensor.random(rnd, s, EMBEDDING, FEED_FORWARD));
            tensors.put(p + "ffn_down.weight", Tensor.random(rnd, 1.0 / Math.sqrt(FEED_FORWARD), FEED_FORWARD, EMBEDDING));
        }
        tensors.put("output_norm.weight", Tensor.ones(EMBEDDING));
        // logits = output · h with |h| ≈ sqrt(64): rows of scale 0.4 give logits of spread ≈ 3, so the
        // distribution is peaked but not one-hot. Printable ASCII, the merges and <|im_end|> get those
        // rows; the other bytes get small rows, so the text the model writes is mostly readable.
        Tensor output = Tensor.random(rnd, 0.4, EMBEDDING, nVocab);
        for (int t = 0; t < nVocab; t++) {
            boolean readable = (t >= 32 && t < 127) || (t >= 256 && tokens.get(t).length() > 1 && !tokens.get(t).startsWith("<|"))
                    || t == eot;
            if (!readable) {
                for (int i = 0; i < EMBEDDING; i++) output.data()[t * EMBEDDING + i] *= 0.1f;
            }
        }
        tensors.put("output.weight", output);

        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(encode(kv, tensors));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Token strings: ids 0..255 are the bytes, then the merges, then the ChatML control tokens. */
    public static List<String> vocabulary() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) tokens.add(byteToUnicode(b));
        for (String m : MERGES) tokens.add(m.replace(" ", ""));
        tokens.add("<|endoftext|>");
        tokens.add("<|im_start|>");
        tokens.add("<|im_end|>");
        return tokens;
    }

    /** GPT-2's reversible byte-to-unicode map: printable bytes stand for themselves, the rest move to 256+. */
    static String byteToUnicode(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) return String.valueOf((char) b);
        int n = 0;
        for (int i = 0; i < b; i++) {
            boolean p = (i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF);
            if (!p) n++;
        }
        return String.valueOf((char) (256 + n));
    }

    record U32(long value) {}

    /** An F32 tensor; dims are in GGUF order (the first dimension varies fastest). */
    record Tensor(long[] dims, float[] data) {
        static Tensor random(SplittableRandom rnd, double scale, long... dims) {
            long n = 1;
            for (long d : dims) n *= d;
            float[] data = new float[(int) n];
            for (int i = 0; i < data.length; i++) data[i] = (float) (gaussian(rnd) * scale);
            return new Tensor(dims, data);
        }

        static Tensor ones(long... dims) {
            long n = 1;
            for (long d : dims) n *= d;
            float[] data = new float[(int) n];
            java.util.Arrays.fill(data, 1f);
            return new Tensor(dims, data);
        }

        private static double gaussian(SplittableRandom rnd) {
            // Box-Muller, so the weights depend only on the seed (not on a JDK's nextGaussian)
            double u = 1.0 - rnd.nextDouble();
            double v = rnd.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        }
    }

    // GGUF value types
    private static final int UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9;
    static final int ALIGN = 32;

    private static byte[] encode(Map<String, Object> kv, Map<String, Tensor> tensors) {
        Buf buf = new Buf();
        buf.u32(0x46554747); // "GGUF"
        buf.u32(3);
        buf.u64(tensors.size());
        buf.u64(kv.size());
        kv.forEach((k, v) -> {
            buf.str(k);
            value(buf, v);
        });
        long offset = 0;
        for (var e : tensors.entrySet()) {
            buf.str(e.getKey());
            long[] dims = e.getValue().dims();
            buf.u32(dims.length);
            for (long d : dims) buf.u64(d);
            buf.u32(0); // GGML_TYPE_F32
            buf.u64(offset);
            offset = align(offset + 4L * e.getValue().data().length);
        }
        buf.pad();
        for (Tensor t : tensors.values()) {
            for (float f : t.data()) buf.f32(f);
            buf.pad();
        }
        return buf.bytes();
    }

    @SuppressWarnings("unchecked")
    static void value(Buf buf, Object v) {
        switch (v) {
            case String s -> { buf.u32(STRING); buf.str(s); }
            case U32 u -> { buf.u32(UINT32); buf.u32((int) u.value()); }
            case Float f -> { buf.u32(FLOAT32); buf.f32(f); }
            case Boolean b -> { buf.u32(BOOL); buf.u8(b ? 1 : 0); }
            case int[] a -> {
                buf.u32(ARRAY); buf.u32(INT32); buf.u64(a.length);
                for (int x : a) buf.u32(x);
            }
            case List<?> l -> {
                buf.u32(ARRAY); buf.u32(STRING); buf.u64(l.size());
                for (String s : (List<String>) l) buf.str(s);
            }
            default -> throw new IllegalArgumentException("unsupported GGUF value " + v);
        }
    }

    static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    static final class Buf {
        private ByteBuffer bb = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void room(int n) {
            if (bb.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(bb.capacity() * 2, bb.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                bb.flip();
                bigger.put(bb);
                bb = bigger;
            }
        }

        void u8(int v) { room(1); bb.put((byte) v); }
        void u32(int v) { room(4); bb.putInt(v); }
        void u64(long v) { room(8); bb.putLong(v); }
        void f32(float v) { room(4); bb.putFloat(v); }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            room(b.length);
            bb.put(b);
        }

        void pad() {
            while (bb.position() % ALIGN != 0) u8(0);
        }

        byte[] bytes() {
            byte[] out = new byte[bb.position()];
            bb.flip();
            bb.get(out);
            return out;
        }
    }
}
