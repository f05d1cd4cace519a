package cai4j.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet's GZIP codec on the JDK's own gzip. parquet-hadoop's default codec factory goes through
 * Hadoop's compression classes; this one needs nothing, which is what keeps Hadoop out of the
 * command-line jar. GZIP is a standard Parquet codec that pyarrow (and so Hugging Face datasets)
 * reads.
 */
final class GzipCodec implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        require(codec);
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                    bytes.writeAllTo(gz);
                }
                return BytesInput.from(out.toByteArray());
            }

            @Override public CompressionCodecName getCodecName() { return CompressionCodecName.GZIP; }
            @Override public void release() {}
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        require(codec);
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                try (GZIPInputStream gz = new GZIPInputStream(bytes.toInputStream())) {
                    return BytesInput.from(gz.readNBytes(uncompressedSize));
                }
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) throws IOException {
                byte[] in = new byte[compressedSize];
                input.get(in);
                try (GZIPInputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
                    output.put(gz.readNBytes(uncompressedSize));
                }
            }

            @Override public void release() {}
        };
    }

    @Override
    public void release() {}

    private static void require(CompressionCodecName codec) {
        if (codec != CompressionCodecName.GZIP) throw new IllegalArgumentException("only GZIP is supported, not " + codec);
    }
}
