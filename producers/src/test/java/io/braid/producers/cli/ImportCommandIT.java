package io.braid.producers.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.avro.CameraFrame;
import io.braid.avro.FrameEncoding;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.broker.KafkaBroker;
import io.braid.broker.KafkaBrokerExtension;
import io.braid.producers.bag.Mcap;
import io.braid.producers.bag.TestBags;
import io.braid.producers.ros.CdrEncoding;
import io.braid.registry.EmbeddedRegistryServer;
import io.braid.serde.ConfluentAvroDeserializer;
import io.braid.serde.SerdeConfig;
import io.braid.topics.TopicCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** A bag written by the test writer, imported into the in-JVM broker, gives back its frames, samples and lines. */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ImportCommandIT {
    @TempDir
    Path dir;

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @ParameterizedTest
    @EnumSource(Mcap.Compression.class)
    void importedRecordsEqualTheOriginals(Mcap.Compression compression, KafkaBroker broker) throws Exception {
        Path bag = dir.resolve("run.mcap");
        int frames = 4, samples = 60;
        TestBags.Written w = TestBags.write(bag, compression, CdrEncoding.CDR_LE, frames, samples);
        Path map = dir.resolve("map.yaml");
        java.nio.file.Files.writeString(
                map,
                String.join(
                        "\n",
                        "time: header",
                        "topics:",
                        "  /cam/mono: {modality: vision, channels: 1, source_id: SRC-mono}",
                        "  /cam/png: {modality: vision, source_id: SRC-png}",
                        "  /cam/jpeg: {modality: vision, source_id: SRC-jpeg}",
                        "  /chatter: {modality: text, field: data, kind: instruction}",
                        ""));
        String source = "rover-" + compression.name().toLowerCase();
        // its own topics: the broker is shared with the other ITs, which count what they read
        String prefix = "it-import-" + compression.name().toLowerCase() + ".";
        java.nio.file.Files.writeString(map, java.nio.file.Files.readString(map).replace("SRC", source));
        try (EmbeddedRegistryServer registry = new EmbeddedRegistryServer(0).start()) {
            StringWriter sw = new StringWriter();
            CommandLine cmd = new CommandLine(new ImportCommand());
            cmd.setOut(new PrintWriter(sw));
            int code = cmd.execute(
                    "--bag",
                    bag.toString(),
                    "--map",
                    map.toString(),
                    "--source-id",
                    source,
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--schema-registry-url",
                    registry.url(),
                    "--partitions",
                    "1",
                    "--topic-prefix",
                    prefix,
                    "--progress-every",
                    "0");
            assertEquals(0, code, sw.toString());
            assertTrue(sw.toString().contains("0 dead letters"), sw.toString());

            Map<String, Object> serde =
                    Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.url(), SerdeConfig.SPECIFIC_AVRO_READER, "true");
            String bs = broker.bootstrapServers();
            List<CameraFrame> rgb = new ArrayList<>(),
                    mono = new ArrayList<>(),
                    png = new ArrayList<>(),
                    jpeg = new ArrayList<>();
            try (var vd = new ConfluentAvroDeserializer<>(CameraFrame.class, serde);
                    var sd = new ConfluentAvroDeserializer<>(SensorChunk.class, serde);
                    var td = new ConfluentAvroDeserializer<>(TextEvent.class, serde)) {
                for (ConsumerRecord<String, byte[]> r : ProduceCommandIT.readAll(bs, prefix + TopicCatalog.VISION)) {
                    CameraFrame f = vd.deserialize(r.topic(), r.value());
                    assertEquals(r.key(), f.getSourceId());
                    if (r.key().equals(source)) rgb.add(f);
                    else if (r.key().equals(source + "-mono")) mono.add(f);
                    else if (r.key().equals(source + "-png")) png.add(f);
                    else if (r.key().equals(source + "-jpeg")) jpeg.add(f);
                }
                assertEquals(frames, rgb.size());
                for (int i = 0; i < frames; i++) {
                    CameraFrame f = rgb.get(i);
                    assertEquals(FrameEncoding.RAW_U8, f.getEncoding());
                    assertEquals(w.width(), f.getWidth());
                    assertEquals(w.height(), f.getHeight());
                    assertEquals(3, f.getChannels());
                    assertArrayEquals(w.rgb().get(i), bytes(f.getData()));
                    assertEquals(
                            TestBags.T0 / 1_000_000 + i * 100, f.getEventTime().toEpochMilli());
                    assertEquals(i, f.getSeq());
                    assertEquals(1, mono.get(i).getChannels());
                    assertArrayEquals(w.mono().get(i), bytes(mono.get(i).getData()));
                    assertEquals(FrameEncoding.PNG, png.get(i).getEncoding());
                    assertArrayEquals(w.png().get(i), bytes(png.get(i).getData()));
                    assertEquals(FrameEncoding.JPEG, jpeg.get(i).getEncoding());
                    assertArrayEquals(w.jpeg().get(i), bytes(jpeg.get(i).getData()));
                    assertEquals(w.width(), jpeg.get(i).getWidth());
                }

                List<SensorChunk> chunks = new ArrayList<>();
                for (var r : ProduceCommandIT.readAll(bs, prefix + TopicCatalog.SENSOR)) {
                    if (r.key().equals(source)) chunks.add(sd.deserialize(r.topic(), r.value()));
                }
                // 60 samples at 100 Hz with a 200 ms gap after 30: chunks of <= 50 never bridge the gap
                assertEquals(
                        List.of(30, 30),
                        chunks.stream().map(SensorChunk::getNumSamples).toList());
                int k = 0;
                for (SensorChunk c : chunks) {
                    assertEquals(100.0, c.getSampleRateHz(), 1e-6);
                    assertEquals(
                            w.imuStamps().get(k) / 1_000_000, c.getStartTime().toEpochMilli());
                    assertEquals(
                            List.of("accel_x", "accel_y", "accel_z", "gyro_x", "gyro_y", "gyro_z"),
                            c.getChannelNames());
                    for (int i = 0; i < c.getNumSamples(); i++, k++) {
                        for (int ch = 0; ch < 6; ch++) {
                            assertEquals(
                                    (float) w.imu().get(k)[ch], c.getValues().get(i * 6 + ch));
                        }
                    }
                }
                assertEquals(samples, k);

                List<String> lines = new ArrayList<>();
                for (var r : ProduceCommandIT.readAll(bs, prefix + TopicCatalog.TEXT)) {
                    if (!r.key().equals(source)) continue;
                    TextEvent t = td.deserialize(r.topic(), r.value());
                    assertEquals(io.braid.avro.TextKind.INSTRUCTION, t.getKind());
                    lines.add(t.getText());
                }
                assertEquals(w.text(), lines);
            }
        }
    }
}
