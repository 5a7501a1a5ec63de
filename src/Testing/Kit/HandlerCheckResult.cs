using System.Globalization;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Testing;

/// <summary>What checking one property of a handler found.</summary>
/// <param name="Property">The property checked (<c>at-least-once</c>, <c>idempotent-under-redelivery</c>,
/// <c>no-handling-after-revocation</c>).</param>
/// <param name="SeedsRun">Seeds run before the verdict: all of them on a pass, up to the failing one on a failure.</param>
/// <param name="Failure">The first failing run as found, or null on a pass.</param>
/// <param name="Shrunk">That failure shrunk to a minimal fault schedule, or null on a pass.</param>
public sealed record HandlerCheckResult(string Property, int SeedsRun, SimulationResult? Failure, ShrinkResult? Shrunk)
{
    /// <summary>True when no seed broke the property.</summary>
    public bool Passed => Failure is null;

    /// <summary>The seed that broke the property; run it again with <see cref="HandlerTestOptions.FirstSeed"/>.</summary>
    public ulong? FailingSeed => Failure?.Seed;

    /// <summary>How many faults the shrunk schedule has (0: the handler fails with no fault at all).</summary>
    public int? ShrunkLength => Shrunk?.Steps;

    /// <summary>The shrunk failure as a short story: the setup, each fault, the violation.</summary>
    public string? Story => Shrunk?.Story;

    /// <summary>Throws a <see cref="HandlerPropertyException"/> carrying this result when the property failed.</summary>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new HandlerPropertyException(this);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Passed
        ? string.Create(CultureInfo.InvariantCulture, $"{Property}: passed {SeedsRun} seed(s)")
        : string.Create(CultureInfo.InvariantCulture,
            $"{Property}: FAILED at seed {FailingSeed} (after {SeedsRun} seed(s)); {Failure!.Plan.Schedule.Count} fault(s) shrunk to {ShrunkLength}:{Environment.NewLine}{Story}");
}
