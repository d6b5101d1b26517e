package io.braid.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.augment.AugmentationParams;
import io.braid.avro.AugmentedView;
import io.braid.avro.TrainingPair;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.online.TrainingPairBatches;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The offline ({@code eval} / {@code bench train}) path of the augmentation golden bytes: the simulator's ticks through
 * {@link Windows} give the pinned view hashes that flink-jobs' AugmentFunctionGoldenBytesTest pins for the same windows
 * through the Flink operator. Same window, pipeline version and seed, same bytes on both paths; a change here is a
 * change of the pairs: bump PairAugmenter.AUGMENT_CODE_VERSION and re-pin both tests.
 */
class OfflinePairsGoldenBytesTest {
    /** SHA-256 of Avro(view1) ‖ Avro(view2) of ticks 0, 1, 2 (epoch 0) and tick 2 of epoch 1. */
    static final String[] GOLDEN = {
        "ccb3dc37f58ddaa663ff276fe4b907d18acf17ed1b4d3eb1463d1ae23af1ee01",
        "c99bac551c846a2000ebeb0aba9f8c94085138f622f948446102a8a1c801ba65",
        "f3b36f34321c436eef454dc769424f5b1c8cc176eb3fb93b5054f798e449746b",
        "3615278aa15b5196f4d935895db47642aee2b362fe0e5ece1ab78ae5d6cd06dd"
    };

    /** SHA-256 over the pairs of all 8 ticks of epoch 0, in order. */
    static final String GOLDEN_ALL = "49934ad957fd10d38880dfc24673cbf76dc1a38679b94c7728b33365d8cdd7e8";

    static final int TICKS = 8;

    static byte[] avro(AugmentedView v) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(AugmentedView.class).write(v, enc);
        enc.flush();
        return out.toByteArray();
    }

    static String sha256(List<TrainingPair> pairs) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (TrainingPair p : pairs) {
            md.update(avro(p.getView1()));
            md.update(avro(p.getView2()));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void theOfflinePathGivesThePinnedViewBytes() throws Exception {
        Windows w = Windows.of(SimulatedDataset.generate(DatasetSpec.defaults(7, TICKS)));
        assertEquals(AugmentationParams.DEFAULTS, w.augmentation());
        int[] all = {0, 1, 2, 3, 4, 5, 6, 7};
        List<TrainingPair> epoch0 = w.pairs(all, 0);
        String[] got = {
            sha256(epoch0.subList(0, 1)),
            sha256(epoch0.subList(1, 2)),
            sha256(epoch0.subList(2, 3)),
            sha256(w.pairs(new int[] {2}, 1))
        };
        for (int i = 0; i < GOLDEN.length; i++) assertEquals(GOLDEN[i], got[i], "pair " + i);
        assertEquals(GOLDEN_ALL, sha256(epoch0));
    }

    @Test
    void theTrainingBatchIsTheAdaptersBatchOfThosePairs() throws Exception {
        Windows w = Windows.of(SimulatedDataset.generate(DatasetSpec.defaults(7, TICKS)));
        TrainingPairBatches adapter = Windows.adapter(
                ModelConfig.defaults("comm", Tokenizer.defaultTokenizer().vocabularySize(), 1));
        int[] idx = {3, 1, 6};
        List<TrainingPairBatches.Sample> samples = new ArrayList<>();
        for (TrainingPair p : w.pairs(idx, 1)) samples.add(adapter.decode(p));
        Batch want = adapter.batch(samples, null);
        Batch got = w.augmented(adapter, idx, 2, 1, null);
        assertArrayEquals(want.sensor, got.sensor);
        assertArrayEquals(want.image, got.image);
        assertArrayEquals(want.tokens, got.tokens);
        assertArrayEquals(want.presence, got.presence);
    }
}
