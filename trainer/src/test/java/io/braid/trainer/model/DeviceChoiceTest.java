package io.braid.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.braid.trainer.cli.TrainCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DeviceChoiceTest {
    @Test
    void cpuIsTheDefaultAndAutoPicksTheGpuOnlyWhenOneIsVisible() {
        assertEquals(Device.cpu(), DeviceChoice.CPU.resolve(2));
        assertEquals(Device.cpu(), DeviceChoice.AUTO.resolve(0));
        assertEquals(Device.gpu(), DeviceChoice.AUTO.resolve(1));
        assertEquals(Device.gpu(), DeviceChoice.GPU.resolve(1));
    }

    @Test
    void onThisMachineAutoIsTheCpuAndArraysLiveThere() {
        // no CUDA libtorch in the build: DJL sees no GPU
        assertEquals(0, Engine.getInstance().getGpuCount());
        Device d = DeviceChoice.AUTO.resolve();
        assertEquals(Device.cpu(), d);
        try (NDManager m = NDManager.newBaseManager(d);
                NDManager step = m.newSubManager()) {
            assertEquals(d, step.create(new float[] {1f}).getDevice());
        }
    }

    @Test
    void gpuWithoutOneFailsAtOnceWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.GPU.resolve(0));
        assertTrue(e.getMessage().contains("--device gpu") && e.getMessage().contains("README"), e.getMessage());
    }

    @Test
    void trainWithDeviceGpuExitsWithCode2BeforeConnecting() {
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            // an unreachable Kafka: reaching it would hang on metadata, so a quick exit 2 proves the early check
            code = new CommandLine(new TrainCommand())
                    .execute("--device", "gpu", "--bootstrap-servers", "127.0.0.1:1", "--metrics-port", "-1");
        } finally {
            System.setErr(err);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, text);
        assertTrue(text.contains("DJL sees no GPU"), text);
    }

    @Test
    void theOptionRejectsOtherNames() {
        CommandLine cli = new CommandLine(new TrainCommand());
        cli.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        assertEquals(2, cli.execute("--device", "tpu"));
    }
}
