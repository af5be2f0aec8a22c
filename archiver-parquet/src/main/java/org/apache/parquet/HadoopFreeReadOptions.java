package org.apache.parquet;

import java.util.HashMap;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;

/**
 * {@link ParquetReadOptions} without Hadoop: its builder's constructor (parquet-java 1.17 and 1.18)
 * loads Hadoop's {@code FileInputFormat} and a Hadoop codec factory, so this calls the options'
 * package-private constructor with parquet's defaults instead. If parquet changes that constructor,
 * this stops compiling rather than failing at run time.
 */
public final class HadoopFreeReadOptions {
    private static final int MAX_ALLOCATION_SIZE = 8 * 1024 * 1024;

    private HadoopFreeReadOptions() {}

    public static ParquetReadOptions create(
            CompressionCodecFactory codecs, ParquetConfiguration conf) {
        return new ParquetReadOptions(
                false, // useSignedStringMinMax
                true, // useStatsFilter
                true, // useDictionaryFilter
                true, // useRecordFilter
                true, // useColumnIndexFilter
                false, // usePageChecksumVerification
                true, // useBloomFilter
                false, // useOffHeapDecryptBuffer
                false, // useHadoopVectoredIo
                FilterCompat.NOOP,
                ParquetMetadataConverter.NO_FILTER,
                codecs,
                new HeapByteBufferAllocator(),
                MAX_ALLOCATION_SIZE,
                new HashMap<>(),
                null,
                null,
                conf);
    }
}
