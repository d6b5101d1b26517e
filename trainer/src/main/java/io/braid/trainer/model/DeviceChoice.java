package io.braid.trainer.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * {@code --device}: where the trainer's NDManager (and so every parameter, batch and optimizer array created under it)
 * lives. CPU unless asked: DJL's own default is the GPU whenever one is visible, which would silently move a run.
 */
public enum DeviceChoice {
    CPU,
    GPU,
    /** The first GPU when DJL sees one, else the CPU. */
    AUTO;

    /** The DJL device, or a clear {@link IllegalArgumentException} when a GPU was asked for and none is visible. */
    public Device resolve() {
        return resolve(gpuCount());
    }

    /** As {@link #resolve()} for a given GPU count (unit tests). */
    Device resolve(int gpus) {
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case GPU -> {
                if (gpus > 0) yield Device.gpu();
                throw new IllegalArgumentException("--device gpu: DJL sees no GPU (engine " + engineDescription()
                        + "). The build ships the CPU libtorch; for CUDA see the README section 'GPU', or use"
                        + " --device cpu|auto");
            }
        };
    }

    static int gpuCount() {
        try {
            return Engine.getInstance().getGpuCount();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return 0;
        }
    }

    private static String engineDescription() {
        try {
            Engine e = Engine.getInstance();
            return e.getEngineName() + " " + e.getVersion();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "not loaded: " + e.getMessage();
        }
    }

    /** picocli: {@code cpu}, {@code gpu}, {@code auto} in any case. */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<DeviceChoice> {
        @Override
        public DeviceChoice convert(String value) {
            try {
                return DeviceChoice.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a device: cpu, gpu or auto");
            }
        }
    }
}
