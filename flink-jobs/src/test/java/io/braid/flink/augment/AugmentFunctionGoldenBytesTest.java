package io.braid.flink.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.augment.CompleteWindow;
import io.braid.avro.AugmentedView;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.TrainingPair;
import io.braid.flink.WindowJobOptions;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The Flink operator path of the augmentation golden bytes: the windows the trainer's offline {@code eval} path builds
 * from the simulator (trainer data.Windows: source {@code sim-<dataset seed>}, window start (epoch·ticks + tick)·1 s,
 * the offline pipeline version of the default parameters) go through {@link AugmentFunction} in a Flink operator
 * harness with the job's default options. The hashes are pinned, and trainer's OfflinePairsGoldenBytesTest pins the
 * same ones for the offline path: same window, pipeline version and seed, same view bytes. A change that fails here is
 * a change of the pairs' bytes: bump PairAugmenter.AUGMENT_CODE_VERSION and re-pin both tests.
 */
class AugmentFunctionGoldenBytesTest {
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

    static MultimodalWindow window(SimulatedDataset d, int k, int epoch) {
        return CompleteWindow.of(
                "sim-" + d.spec().seed(),
                (epoch * (long) d.size() + k) * 1000L,
                1000,
                CompleteWindow.offlinePipelineVersion(AugmentFunction.params(new WindowJobOptions())),
                d.sensor(k),
                SimulatedDataset.SENSOR_STEPS,
                SimulatedDataset.SENSOR_CHANNELS,
                d.image(k),
                SimulatedDataset.IMAGE_SIZE,
                SimulatedDataset.IMAGE_SIZE,
                3,
                d.tokens(k));
    }

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
    void theOperatorGivesThePinnedViewBytesForTheOfflineWindows() throws Exception {
        SimulatedDataset d = SimulatedDataset.generate(DatasetSpec.defaults(7, TICKS));
        List<MultimodalWindow> in = new ArrayList<>();
        for (int k = 0; k < TICKS; k++) in.add(window(d, k, 0));
        in.add(window(d, 2, 1));
        List<TrainingPair> out = new ArrayList<>();
        try (var h = new OneInputStreamOperatorTestHarness<>(
                new StreamMap<MultimodalWindow, TrainingPair>(new AugmentFunction(new WindowJobOptions())))) {
            h.open();
            for (MultimodalWindow w : in)
                h.processElement(new StreamRecord<>(w, w.getWindowEnd().toEpochMilli()));
            for (Object o : h.getOutput()) out.add(((StreamRecord<TrainingPair>) o).getValue());
        }
        assertEquals(in.size(), out.size());
        String[] got = {
            sha256(out.subList(0, 1)), sha256(out.subList(1, 2)), sha256(out.subList(2, 3)), sha256(out.subList(8, 9))
        };
        for (int i = 0; i < GOLDEN.length; i++) assertEquals(GOLDEN[i], got[i], "pair " + i);
        assertEquals(GOLDEN_ALL, sha256(out.subList(0, TICKS)));
    }
}
