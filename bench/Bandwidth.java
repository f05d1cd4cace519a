import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Memory read bandwidth with one thread per core, each summing its own part of a 1 GiB array
 * several times: the bound on generating with the embedded model, which reads every weight once
 * per decoding step. {@code java bench/Bandwidth.java [MiB] [rounds]}
 */
public class Bandwidth {
    public static void main(String[] args) {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = Runtime.getRuntime().availableProcessors();
        long[] a = new long[mib * (1 << 20) / 8];
        for (int i = 0; i < a.length; i++) a[i] = i;
        int part = a.length / threads;
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            long sum = IntStream.range(0, threads).parallel().mapToLong(k -> {
                long s = 0;
                for (int i = k * part, end = i + part; i < end; i++) s += a[i];
                return s;
            }).sum();
            double gbs = (double) part * threads * 8 / ((System.nanoTime() - t) / 1e9) / 1e9;
            best = Math.max(best, gbs);
            if (sum == 42) System.out.println(); // keeps the sum alive
        }
        System.out.printf(Locale.ROOT, "%d threads, %d MiB: best of %d rounds %.1f GB/s read%n", threads, mib, rounds, best);
    }
}
