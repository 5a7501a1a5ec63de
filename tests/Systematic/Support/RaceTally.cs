namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>Counts, across one scenario test's iterations, those in which its <see cref="Race"/> happened. Each test has
/// its own, so tests running in parallel never share a count; Coyote runs a test's iterations one after another, and each
/// records once, at its end, so the count depends only on the seed.</summary>
internal sealed class RaceTally(Race race)
{
    public Race Race { get; } = race;

    /// <summary>Iterations that reached their end.</summary>
    public int Iterations { get; private set; }

    /// <summary>Those of them in which the race happened.</summary>
    public int Hits { get; private set; }

    public void Record(Happenings happenings)
    {
        Iterations++;
        if (happenings.Seen(Race))
        {
            Hits++;
        }
    }
}
