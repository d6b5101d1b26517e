package io.braid.producers.imports;

import io.braid.avro.FrameEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * sensor_msgs Image and CompressedImage into the frame the window job reads (CameraFrame): raw u8, row-major, channel
 * last, RGB (3) or grey (1). Raw images are reordered (bgr8 to RGB, alpha dropped, rows unpadded by their step, 16-bit
 * reduced to their high byte); PNG and JPEG pass through untouched with their size read from the header, unless the
 * rule resizes, which decodes them. Resizing is nearest-neighbour.
 */
public final class ImageFrames {
    static {
        ImageIO.setUseCache(false);
    }

    /** A frame ready for CameraFrame. */
    public record Frame(int width, int height, int channels, FrameEncoding encoding, byte[] data) {}

    private ImageFrames() {}

    public static Frame image(Map<String, Object> msg, TopicRule rule) throws MappingException {
        long w = (Long) msg.get("width"), h = (Long) msg.get("height"), step = (Long) msg.get("step");
        String enc = ((String) msg.get("encoding")).toLowerCase(Locale.ROOT);
        boolean bigEndian = ((Number) msg.get("is_bigendian")).intValue() != 0;
        byte[] data = (byte[]) msg.get("data");
        int bpp;
        int[] rgb; // byte offsets of R, G, B within a pixel (all the same for grey)
        switch (enc) {
            case "rgb8", "8uc3" -> {
                bpp = 3;
                rgb = new int[] {0, 1, 2};
            }
            case "bgr8" -> {
                bpp = 3;
                rgb = new int[] {2, 1, 0};
            }
            case "rgba8" -> {
                bpp = 4;
                rgb = new int[] {0, 1, 2};
            }
            case "bgra8" -> {
                bpp = 4;
                rgb = new int[] {2, 1, 0};
            }
            case "mono8", "8uc1" -> {
                bpp = 1;
                rgb = new int[] {0, 0, 0};
            }
            case "mono16", "16uc1" -> {
                bpp = 2;
                int hi = bigEndian ? 0 : 1;
                rgb = new int[] {hi, hi, hi};
            }
            default -> throw new MappingException(
                    "UNSUPPORTED_IMAGE_ENCODING",
                    "image encoding '" + enc + "' is not rgb8, bgr8, rgba8, bgra8, mono8 or mono16");
        }
        if (w <= 0 || h <= 0 || w > 65535 || h > 65535) {
            throw new MappingException("WRONG_SHAPE", "image is " + w + "x" + h);
        }
        if (step < w * bpp || step * h > data.length) {
            throw new MappingException(
                    "WRONG_SHAPE",
                    "image " + w + "x" + h + " " + enc + " step " + step + " needs " + step * h + " bytes, has "
                            + data.length);
        }
        int c = rule.channels();
        int width = (int) w, height = (int) h;
        byte[] out = new byte[width * height * c];
        for (int y = 0; y < height; y++) {
            int row = (int) (y * step);
            for (int x = 0; x < width; x++) {
                int px = row + x * bpp, o = (y * width + x) * c;
                if (c == 3) {
                    out[o] = data[px + rgb[0]];
                    out[o + 1] = data[px + rgb[1]];
                    out[o + 2] = data[px + rgb[2]];
                } else {
                    out[o] =
                            bpp < 3 ? data[px + rgb[0]] : grey(data[px + rgb[0]], data[px + rgb[1]], data[px + rgb[2]]);
                }
            }
        }
        return resize(new Frame(width, height, c, FrameEncoding.RAW_U8, out), rule);
    }

    public static Frame compressed(Map<String, Object> msg, TopicRule rule) throws MappingException {
        byte[] data = (byte[]) msg.get("data");
        FrameEncoding enc;
        if (data.length > 8 && (data[0] & 0xff) == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G') {
            enc = FrameEncoding.PNG;
        } else if (data.length > 3 && (data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0xd8) {
            enc = FrameEncoding.JPEG;
        } else {
            throw new MappingException(
                    "UNSUPPORTED_IMAGE_FORMAT",
                    "compressed image (format '" + msg.get("format") + "') is not PNG or JPEG");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext())
                throw new MappingException("UNDECODABLE_IMAGE", "no reader for the " + enc + " bytes");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (rule.width() == 0 && rule.channels() == 3) return new Frame(w, h, 3, enc, data);
                return resize(raw(reader.read(0), rule.channels()), rule);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new MappingException("UNDECODABLE_IMAGE", enc + " frame does not decode: " + e.getMessage());
        }
    }

    static Frame raw(BufferedImage img, int channels) {
        int w = img.getWidth(), h = img.getHeight();
        byte[] out = new byte[w * h * channels];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y), o = (y * w + x) * channels;
                byte r = (byte) (p >> 16), g = (byte) (p >> 8), b = (byte) p;
                if (channels == 3) {
                    out[o] = r;
                    out[o + 1] = g;
                    out[o + 2] = b;
                } else {
                    out[o] = grey(r, g, b);
                }
            }
        }
        return new Frame(w, h, channels, FrameEncoding.RAW_U8, out);
    }

    private static byte grey(byte r, byte g, byte b) {
        return (byte) Math.round(0.299 * (r & 0xff) + 0.587 * (g & 0xff) + 0.114 * (b & 0xff));
    }

    static Frame resize(Frame f, TopicRule rule) {
        int tw = rule.width(), th = rule.height();
        if (tw == 0 || (tw == f.width() && th == f.height())) return f;
        int c = f.channels();
        byte[] out = new byte[tw * th * c];
        for (int y = 0; y < th; y++) {
            int sy = (int) ((y + 0.5) * f.height() / th);
            for (int x = 0; x < tw; x++) {
                int sx = (int) ((x + 0.5) * f.width() / tw);
                System.arraycopy(f.data(), (sy * f.width() + sx) * c, out, (y * tw + x) * c, c);
            }
        }
        return new Frame(tw, th, c, FrameEncoding.RAW_U8, out);
    }
}
