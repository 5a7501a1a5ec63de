using System.Globalization;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Testing;

/// <summary>What checking one property of a handler found.</summary>
/// <param name="Property">The property checked (<c>at-least-once</c>, <c>idempotent-under-redelivery</c>,
/// <c>no-handling-after-revocation</c>).</param>
/// <param name="SeedsRun">Seeds run before the verdict: all of them on a pass, up to the failing one on a failure (1 in
/// systematic mode, which explores one seed's interleavings).</param>
/// <param name="Failure">The first failing run as found, or null on a pass (and in systematic mode, when what Coyote found
/// was not a violation of the property: see <see cref="BugReport"/>).</param>
/// <param name="Shrunk">That failure shrunk to a minimal fault schedule, or null on a pass and in systematic mode (which
/// does not shrink).</param>
public sealed record HandlerCheckResult(string Property, int SeedsRun, SimulationResult? Failure, ShrinkResult? Shrunk)
{
    /// <summary>True when no seed (no interleaving, in systematic mode) broke the property.</summary>
    public bool Passed => Failure is null && BugReport is null;

    /// <summary>Systematic mode: the interleavings Coyote explored (up to the failing one); null in the seed mode.</summary>
    public int? Iterations { get; init; }

    /// <summary>Systematic mode, on a failure: Coyote's bug report (the property's violation, or Coyote's own finding: a
    /// deadlock, an unhandled exception, the step bound); null otherwise.</summary>
    public string? BugReport { get; init; }

    /// <summary>Systematic mode, on a failure: the saved reproducible Coyote trace; replay it with
    /// <see cref="SystematicOptions.ReplayTrace"/>. Null otherwise.</summary>
    public string? TracePath { get; init; }

    /// <summary>The seed that broke the property; run it again with <see cref="HandlerTestOptions.FirstSeed"/>.</summary>
    public ulong? FailingSeed => Failure?.Seed;

    /// <summary>How many faults the shrunk schedule has (0: the handler fails with no fault at all).</summary>
    public int? ShrunkLength => Shrunk?.Steps;

    /// <summary>The shrunk failure as a short story: the setup, each fault, the violation.</summary>
    public string? Story => Shrunk?.Story;

    /// <summary>Runs the shrunk failing run again into a trace; set by the kit on a failure.</summary>
    internal Func<TraceSink, SimulationResult>? Recorder { get; init; }

    /// <summary>Writes the trace of the shrunk failing run to <paramref name="path"/> (JSON Lines, as
    /// <c>elsa-sim</c> writes them): it runs that seed and schedule again with your handler. <c>elsa-sim replay FILE --html
    /// OUT</c> draws it; it cannot run it again, since your handler is not in the tool (the header names it).</summary>
    /// <exception cref="InvalidOperationException">When the property passed (there is no failing run), or the run did not
    /// fail the same way again (the handler is not deterministic).</exception>
    public void WriteTrace(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var record = RecorderOfFailure();
        using var sink = TraceSink.ToFile(path);
        Reproduced(record(sink));
    }

    /// <summary>Writes the shrunk failing run's timeline to <paramref name="path"/>: one self-contained HTML page with
    /// members and partitions as lanes over virtual time, generations, workers, acks, commits, faults and the violation
    /// highlighted (<see cref="TimelineHtml"/>). It runs that seed and schedule again with your handler.</summary>
    /// <exception cref="InvalidOperationException">When the property passed (there is no failing run), or the run did not
    /// fail the same way again (the handler is not deterministic).</exception>
    public void WriteTimeline(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var record = RecorderOfFailure();
        Reproduced(TimelineHtml.WriteRun(path, record));
    }

    private Func<TraceSink, SimulationResult> RecorderOfFailure() =>
        Passed ? throw new InvalidOperationException($"{Property} passed: there is no failing run to write")
        : Recorder ?? throw new InvalidOperationException(
            $"{Property} failed in systematic mode, which has no elsa-sim run to write: replay Coyote's trace ({TracePath}) with SystematicOptions.ReplayTrace");

    private void Reproduced(SimulationResult again)
    {
        if (again.Violation != Shrunk!.Minimal.Violation)
        {
            throw new InvalidOperationException(
                $"the shrunk run of seed {FailingSeed} did not fail the same way again ({again.Verdict} instead of {Shrunk.Minimal.Verdict}): is the handler deterministic (no wall clock, timers, threads or state outside the store)?");
        }
    }

    /// <summary>Throws a <see cref="HandlerPropertyException"/> carrying this result when the property failed.</summary>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new HandlerPropertyException(this);
        }
    }

    /// <inheritdoc />
    public override string ToString() => (Passed, Iterations) switch
    {
        (true, null) => string.Create(CultureInfo.InvariantCulture, $"{Property}: passed {SeedsRun} seed(s)"),
        (true, { } explored) => string.Create(CultureInfo.InvariantCulture, $"{Property}: passed {explored} interleaving(s) (systematic)"),
        (false, { } explored) => string.Create(CultureInfo.InvariantCulture,
            $"{Property}: FAILED in interleaving {explored} (systematic); Coyote's trace: {TracePath}{Environment.NewLine}{BugReport}"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"{Property}: FAILED at seed {FailingSeed} (after {SeedsRun} seed(s)); {Failure!.Plan.Schedule.Count} fault(s) shrunk to {ShrunkLength}:{Environment.NewLine}{Story}"),
    };
}
