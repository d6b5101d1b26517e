package io.braid.producers.bag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The rosbag2 SQLite3 storage (.db3) behind the same interface as MCAP: tables {@code topics(id, name, type,
 * serialization_format, ...)} and {@code messages(id, topic_id, timestamp, data)}, and since ROS 2 Iron
 * {@code message_definitions(topic_type, encoding, encoded_message_definition, ...)} with the ros2msg text. The file is
 * opened read-only and immutable (no journal is written next to it); messages stream in timestamp order.
 */
public final class Db3Reader implements BagReader {
    private final String name;
    private final Connection db;
    private final Map<Integer, BagChannel> channels = new HashMap<>();
    private final PreparedStatement query;
    private final ResultSet rows;
    private final Consumer<BagProblem> problems;
    private long seq;

    public Db3Reader(Path file, long fromNs, long toNs, Consumer<BagProblem> problems) throws IOException {
        this.name = file.getFileName().toString();
        this.problems = problems;
        if (!Files.isRegularFile(file)) throw new BagFormatException(name + ": no such file");
        try {
            db = DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro&immutable=1");
        } catch (SQLException e) {
            throw new BagFormatException(name + ": cannot open as SQLite: " + e.getMessage(), e);
        }
        try {
            Map<String, BagSchema> defs = definitions();
            try (Statement st = db.createStatement();
                    ResultSet t = st.executeQuery("SELECT id, name, type, serialization_format FROM topics")) {
                while (t.next()) {
                    int id = t.getInt(1);
                    String type = t.getString(3);
                    channels.put(id, new BagChannel(id, t.getString(2), type, t.getString(4), defs.get(type)));
                }
            }
            query = db.prepareStatement("SELECT topic_id, timestamp, data FROM messages"
                    + " WHERE timestamp >= ? AND timestamp < ? ORDER BY timestamp, id");
            query.setLong(1, fromNs);
            query.setLong(2, toNs);
            rows = query.executeQuery();
        } catch (SQLException e) {
            closeQuietly();
            throw new BagFormatException(name + ": not a rosbag2 SQLite3 bag: " + e.getMessage(), e);
        }
    }

    private Map<String, BagSchema> definitions() throws SQLException {
        Map<String, BagSchema> m = new HashMap<>();
        try (Statement st = db.createStatement();
                ResultSet has = st.executeQuery(
                        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='message_definitions'")) {
            if (!has.next() || has.getInt(1) == 0) return m;
        }
        try (Statement st = db.createStatement();
                ResultSet r = st.executeQuery(
                        "SELECT id, topic_type, encoding, encoded_message_definition FROM message_definitions")) {
            while (r.next()) {
                String text = r.getString(4);
                if (text == null || text.isEmpty()) continue; // rosbag2 stores "" when it had no definition
                m.put(
                        r.getString(2),
                        new BagSchema(
                                r.getInt(1),
                                r.getString(2),
                                r.getString(3),
                                text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return m;
    }

    @Override
    public BagMessage next() throws IOException {
        try {
            while (rows.next()) {
                int topic = rows.getInt(1);
                long t = rows.getLong(2);
                byte[] data = rows.getBytes(3);
                if (data == null) data = new byte[0];
                BagChannel ch = channels.get(topic);
                if (ch == null) {
                    problems.accept(new BagProblem(
                            "UNKNOWN_CHANNEL",
                            name + ": message on topic id " + topic + " that is not in topics",
                            null,
                            data));
                    continue;
                }
                return new BagMessage(ch, seq++, t, t, data);
            }
            return null;
        } catch (SQLException e) {
            throw new BagFormatException(name + ": reading messages failed: " + e.getMessage(), e);
        }
    }

    private void closeQuietly() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing after a failure: the first error is the one to report
        }
    }

    @Override
    public void close() throws IOException {
        try {
            rows.close();
            query.close();
            db.close();
        } catch (SQLException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }
}
