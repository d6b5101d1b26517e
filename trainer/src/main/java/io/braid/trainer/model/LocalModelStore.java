package io.braid.trainer.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@link ModelStore} on a directory (local disk or any mounted path): {@code <name>.ckpt} plus {@code <name>.ckpt.sha256}.
 * Each file is written to a temporary name, fsynced, renamed atomically and the directory fsynced; the checksum file
 * goes last, so an artifact without its checksum (a crash between the two renames) is incomplete and ignored, and the
 * previous artifact stays the valid latest the whole time.
 */
public final class LocalModelStore implements ModelStore {
    static final String EXT = ".ckpt", SHA = ".sha256";

    private final Path dir;

    public LocalModelStore(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath();
        Files.createDirectories(this.dir);
    }

    public Path dir() {
        return dir;
    }

    public Path path(String name) {
        return dir.resolve(name + EXT);
    }

    @Override
    public Artifact put(String name, Body body) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("bad artifact name " + name);
        Path target = path(name);
        if (Files.exists(target)) throw new FileAlreadyExistsException(target.toString());
        MessageDigest md = sha256();
        Path tmp = dir.resolve("." + name + EXT + ".tmp-" + UUID.randomUUID());
        long size;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = new DigestOutputStream(
                            new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16), md)) {
                body.write(out);
                out.flush();
                ch.force(true);
                size = ch.size();
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        String hex = HexFormat.of().formatHex(md.digest());
        writeAtomically(
                dir.resolve(name + EXT + SHA), (hex + "  " + name + EXT + "\n").getBytes(StandardCharsets.UTF_8));
        fsyncDir();
        return new Artifact(name, target.toUri().toString(), hex, size);
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        fsyncDir(); // the artifact's rename is durable before its checksum can appear
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private void fsyncDir() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems refuse to open a directory; the renames are still atomic there
        }
    }

    @Override
    public byte[] read(String name) throws IOException {
        byte[] bytes = Files.readAllBytes(path(name));
        String want = recordedSha(name);
        String got = HexFormat.of().formatHex(sha256().digest(bytes));
        if (!got.equals(want)) throw new CorruptArtifactException(name + ": sha256 " + got + " != recorded " + want);
        return bytes;
    }

    private String recordedSha(String name) throws IOException {
        String s = Files.readString(dir.resolve(name + EXT + SHA), StandardCharsets.UTF_8)
                .trim();
        int sp = s.indexOf(' ');
        return sp < 0 ? s : s.substring(0, sp);
    }

    @Override
    public List<Artifact> list() throws IOException {
        List<Artifact> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String f = p.getFileName().toString();
                if (f.startsWith(".") || !f.endsWith(EXT)) continue;
                String name = f.substring(0, f.length() - EXT.length());
                if (!Files.exists(dir.resolve(f + SHA))) continue; // incomplete: crashed before its checksum
                out.add(new Artifact(name, p.toUri().toString(), recordedSha(name), Files.size(p)));
            }
        }
        return out;
    }

    @Override
    public void delete(String name) throws IOException {
        // checksum first: a half-deleted artifact is then incomplete, never a complete one with missing bytes
        Files.deleteIfExists(dir.resolve(name + EXT + SHA));
        Files.deleteIfExists(path(name));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
