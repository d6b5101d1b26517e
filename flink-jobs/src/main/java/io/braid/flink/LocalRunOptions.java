package io.braid.flink;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a local run ({@code ./braid flink-job}, the demo) keeps its retained checkpoints and savepoints, and what it
 * restores from. On a cluster Flink's own {@code flink run -s} / {@code execution.checkpointing.dir} do this instead.
 */
public class LocalRunOptions {
    public static final String DEFAULT_JOB_NAME = "braid-multimodal-windows";

    @Option(
            names = "--job-name",
            description = "Job name: names the state directory and the default transactional-id prefix, so one name"
                    + " is one restartable job (default: ${DEFAULT-VALUE}).")
    public String jobName = DEFAULT_JOB_NAME;

    @Option(
            names = "--state-dir",
            description = "Retained checkpoints and savepoints of this job; a start resumes from the newest completed"
                    + " one in it (default: .braid/state/<job-name> under the working directory).")
    public Path stateDir;

    @Option(
            names = "--from-savepoint",
            description = "Restore from this savepoint (directory or its _metadata) instead of the newest state.")
    public Path fromSavepoint;

    @Option(
            names = "--from-checkpoint",
            description = "Restore from this retained checkpoint (chk-N directory or its _metadata).")
    public Path fromCheckpoint;

    @Option(
            names = "--fresh",
            description = "Start without restoring: the old state directory is moved to <state-dir>.previous"
                    + " (replacing an older one); sources start at --starting-offsets.")
    public boolean fresh;

    public LocalRunOptions() {}

    /** A run of {@code jobName} with its state in {@code stateDir} (null: the default under .braid/state). */
    public LocalRunOptions(String jobName, Path stateDir) {
        this.jobName = jobName;
        this.stateDir = stateDir;
    }

    /** The state directory, resolved against the working directory. */
    public Path stateDir() {
        Path p = stateDir != null ? stateDir : Path.of(".braid", "state", jobName);
        return p.toAbsolutePath().normalize();
    }

    /** Checks combinations picocli cannot; throws with a message naming the option. */
    public LocalRunOptions validate() {
        int explicit = (fromSavepoint != null ? 1 : 0) + (fromCheckpoint != null ? 1 : 0) + (fresh ? 1 : 0);
        if (explicit > 1)
            throw new IllegalArgumentException("give at most one of --from-savepoint, --from-checkpoint, --fresh");
        if (jobName == null || !jobName.matches("[A-Za-z0-9._-]+"))
            throw new IllegalArgumentException("--job-name may only hold letters, digits, '.', '_' and '-'");
        return this;
    }
}
