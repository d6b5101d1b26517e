package io.braid.producers.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.avro.TextEvent;
import io.braid.producers.bag.BagFiles;
import io.braid.producers.bag.BagReader;
import io.braid.producers.bag.RosbagFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The importer on the real talker recordings: the .db3 and the MCAP one give the same text events. */
class ImportRealBagsTest {
    static List<String> texts(Path bag, BagImporter.Result[] result) throws Exception {
        List<String> out = new ArrayList<>();
        BagImporter imp = new BagImporter(
                ImportMapping.defaults("talker"),
                (topic, key, ts, v) -> {
                    if (v instanceof TextEvent t) out.add(t.getEventTime().toEpochMilli() + " " + t.getText());
                },
                0,
                false,
                0,
                null);
        try (BagReader r = BagFiles.open(bag, Long.MIN_VALUE, Long.MAX_VALUE, imp::problem)) {
            result[0] = imp.run(r, 0);
        }
        return out;
    }

    @Test
    void theDb3AndMcapTalkersImportToTheSameTextEvents() throws Exception {
        BagImporter.Result[] a = new BagImporter.Result[1], b = new BagImporter.Result[1];
        List<String> mcap = texts(RosbagFixtures.require("mcap/talker"), a);
        // the .db3's stored definition of rcl_interfaces/msg/Log is cut short: Braid's own definition takes over
        List<String> db3 = texts(RosbagFixtures.require("sqlite3/talker"), b);
        assertEquals(20, mcap.size());
        assertEquals(mcap, db3);
        assertEquals(0, a[0].deadLetters());
        assertEquals(0, b[0].deadLetters());
    }
}
