package io.braid.flink.decode;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Turns PNG/JPEG frames into raw u8 (row-major, channel last), checking the dimensions before decoding pixels. */
public final class ImageCodec {
    static {
        ImageIO.setUseCache(false);
    }

    private ImageCodec() {}

    public static byte[] decodeToRaw(byte[] encoded, int width, int height, int channels)
            throws InvalidRecordException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new InvalidRecordException(
                        DlqReason.UNDECODABLE_IMAGE, "no image reader recognises the frame bytes");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w != width || h != height) {
                    throw new InvalidRecordException(
                            DlqReason.WRONG_SHAPE,
                            "encoded frame is " + w + "x" + h + " but the record says " + width + "x" + height);
                }
                BufferedImage img = reader.read(0);
                return toRaw(img, channels);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException(DlqReason.UNDECODABLE_IMAGE, "frame does not decode: " + e);
        }
    }

    static byte[] toRaw(BufferedImage img, int channels) throws InvalidRecordException {
        int w = img.getWidth();
        int h = img.getHeight();
        if (channels != 3 && channels != 1) {
            throw new InvalidRecordException(
                    DlqReason.WRONG_SHAPE, "only 1 or 3 channel frames decode, got " + channels);
        }
        byte[] out = new byte[w * h * channels];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int i = (y * w + x) * channels;
                if (channels == 3) {
                    out[i] = (byte) (rgb >> 16);
                    out[i + 1] = (byte) (rgb >> 8);
                    out[i + 2] = (byte) rgb;
                } else {
                    out[i] = (byte) (rgb >> 8);
                }
            }
        }
        return out;
    }
}
