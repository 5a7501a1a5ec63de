namespace Elsa.Sim.Cli;

/// <summary>What elsa-sim's exit code tells a script. Kept apart so CI can tell "the simulator found a bug" (1) from "the
/// command line or an input file was wrong" (2), "a trace no longer reproduces" (3), "a trace was drawn but not run
/// again" (4), "the Kafka cluster could not be used" (5, 6) and "stopped by Ctrl+C" (130).</summary>
internal static class ExitCodes
{
    /// <summary>Every run passed (and a replay reproduced its trace).</summary>
    public const int Passed = 0;

    /// <summary>A run violated a property (explore, replay, shrink), the demo lost a message, or a consumer failed.</summary>
    public const int Violation = 1;

    /// <summary>Bad usage or input: unknown command or option, invalid value, a trace file that is missing, truncated,
    /// corrupt or unreadable.</summary>
    public const int Usage = 2;

    /// <summary>A replay's trace hash differs from the trace file it replayed.</summary>
    public const int ReplayDiffers = 3;

    /// <summary><c>replay FILE --html</c> drew the trace as recorded but could not run it again (another machine, a
    /// user's handler, another trace format, options this build refuses). Without <c>--html</c> such a file is bad usage.</summary>
    public const int DrawnNotReplayed = 4;

    /// <summary><c>consume</c>: no broker of <c>--bootstrap</c> answered within <c>--connect-timeout-ms</c>.</summary>
    public const int BrokerUnreachable = 5;

    /// <summary><c>consume</c>: the cluster answered, but a <c>--topic</c> does not exist on it.</summary>
    public const int UnknownTopic = 6;

    /// <summary><c>check --require-complete</c>: no violation, but <c>--max-depth</c>, <c>--max-states</c> or
    /// <c>--time-limit-s</c> cut the check short, so not every state within the bounds was visited.</summary>
    public const int CheckIncomplete = 7;

    /// <summary>elsa-sim itself failed (a bug in the tool or the simulator, not in the code under test).</summary>
    public const int InternalError = 70;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it) before the work was done; <c>explore</c> prints the
    /// summary of the seeds that finished first.</summary>
    public const int Interrupted = 130;

    /// <summary>The exit codes, as every command's help ends with them.</summary>
    public const string Help =
        "Exit codes: 0 every run passed; 1 a run violated a property; 2 bad usage or a bad input file (such as a truncated trace); " +
        "3 a replay differs from its trace file; 4 replay --html drew a trace it cannot run again; 5 consume could not reach " +
        "the cluster; 6 consume: a topic does not exist; 7 check --require-complete was cut short; 70 internal error in elsa-sim; 130 interrupted by Ctrl+C.";
}
