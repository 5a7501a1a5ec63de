namespace Elsa.Sim.Cli;

/// <summary>What elsa-sim's exit code tells a script. Kept apart so CI can tell "the simulator found a bug" (1) from "the
/// command line was wrong" (2), "a trace no longer reproduces" (3) and "a trace was drawn but not run again" (4).</summary>
internal static class ExitCodes
{
    /// <summary>Every run passed (and a replay reproduced its trace).</summary>
    public const int Passed = 0;

    /// <summary>A run violated a property (explore, replay, shrink), the demo lost a message, or a consumer failed.</summary>
    public const int Violation = 1;

    /// <summary>Bad usage: unknown option or fault name, invalid value, unreadable trace file.</summary>
    public const int Usage = 2;

    /// <summary>A replay's trace hash differs from the trace file it replayed.</summary>
    public const int ReplayDiffers = 3;

    /// <summary><c>replay FILE --html</c> drew the trace as recorded but could not run it again (another machine, a
    /// user's handler, another trace format, options this build refuses). Without <c>--html</c> such a file is bad usage.</summary>
    public const int DrawnNotReplayed = 4;

    /// <summary>elsa-sim itself failed (a bug in the tool or the simulator, not in the code under test).</summary>
    public const int InternalError = 70;

    /// <summary>The exit codes, as every command's help ends with them.</summary>
    public const string Help =
        "Exit codes: 0 every run passed; 1 a run violated a property; 2 bad usage; 3 a replay differs from its trace file; " +
        "4 replay --html drew a trace it cannot run again; 70 internal error in elsa-sim.";
}
