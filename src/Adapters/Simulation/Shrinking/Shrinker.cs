using System.Globalization;
using System.Text;

namespace Elsa.Sim.Simulation;

/// <summary>Reduces a failing run's fault schedule to a minimal one that still fails the same way (delta debugging,
/// then one fault at a time), and tells the result as a short story.</summary>
public static class Shrinker
{
    /// <summary>Shrinks <paramref name="failing"/>; every candidate is a full deterministic run of the same seed.</summary>
    /// <param name="options">The options the failing run used.</param>
    /// <param name="failing">A failing run.</param>
    /// <param name="maxRuns">A bound on the runs spent shrinking.</param>
    public static ShrinkResult Shrink(SimulationOptions options, SimulationResult failing, int maxRuns = 400)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(failing);
        return Shrink(options, failing, plan => Simulator.Run(options, failing.Seed, plan), maxRuns);
    }

    /// <summary>Shrinks with your own way of running a candidate plan of the failing seed, for properties the simulator
    /// alone cannot judge (the handler test kit compares a run with faults to one without, and reports only its
    /// property's violations). A candidate counts when <paramref name="rerun"/>'s result fails with the same violation
    /// kind as <paramref name="failing"/>.</summary>
    /// <param name="options">The options the failing run used (for the story).</param>
    /// <param name="failing">A failing run.</param>
    /// <param name="rerun">Runs the failing seed with a candidate plan.</param>
    /// <param name="maxRuns">A bound on the runs spent shrinking.</param>
    public static ShrinkResult Shrink(SimulationOptions options, SimulationResult failing, Func<FaultPlan, SimulationResult> rerun, int maxRuns)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(failing);
        ArgumentNullException.ThrowIfNull(rerun);
        if (failing.Violation is null)
        {
            throw new ArgumentException("only a failing run can be shrunk", nameof(failing));
        }

        var kind = failing.Violation.Kind;
        var best = failing;
        var runs = 0;

        bool StillFails(IReadOnlyList<Fault> schedule)
        {
            if (runs >= maxRuns)
            {
                return false;
            }

            runs++;
            var candidate = rerun(failing.Plan.WithSchedule(schedule));
            if (candidate.Violation?.Kind != kind)
            {
                return false;
            }

            best = candidate;
            return true;
        }

        var faults = failing.Plan.Schedule.ToList();
        if (faults.Count > 0 && !StillFails([]))
        {
            var chunks = 2;
            while (faults.Count >= 2 && runs < maxRuns)
            {
                var size = (int)Math.Ceiling(faults.Count / (double)chunks);
                var reduced = false;
                for (var start = 0; start < faults.Count; start += size)
                {
                    var complement = faults.Take(start).Concat(faults.Skip(start + size)).ToList();
                    if (StillFails(complement))
                    {
                        faults = complement;
                        chunks = Math.Max(chunks - 1, 2);
                        reduced = true;
                        break;
                    }
                }

                if (!reduced)
                {
                    if (chunks >= faults.Count)
                    {
                        break;
                    }

                    chunks = Math.Min(chunks * 2, faults.Count);
                }
            }

            for (var i = faults.Count - 1; i >= 0 && runs < maxRuns; i--)
            {
                var without = faults.Where((_, j) => j != i).ToList();
                if (StillFails(without))
                {
                    faults = without;
                }
            }
        }

        return new ShrinkResult(best, runs, Story(options, best));
    }

    /// <summary>A failing run told as a few lines: the setup, each fault, the violation.</summary>
    public static string Story(SimulationOptions options, SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(result);
        var story = new StringBuilder();
        story.Append(CultureInfo.InvariantCulture, $"seed {result.Seed}: {result.Scenario.Describe(options)}").AppendLine();
        for (var i = 0; i < result.Plan.Schedule.Count; i++)
        {
            var fault = result.Plan.Schedule[i];
            story.Append(CultureInfo.InvariantCulture, $"  {i + 1,2}. at {fault.AtMs,6} ms {fault.Describe(options)}").AppendLine();
        }

        if (result.Plan.Schedule.Count == 0)
        {
            story.AppendLine("  (no faults needed)");
        }

        story.Append("  => ").Append(result.Verdict);
        return story.ToString();
    }
}

/// <summary>A shrunk failure.</summary>
/// <param name="Minimal">The run with the smallest schedule that still fails the same way.</param>
/// <param name="Runs">How many runs shrinking took.</param>
/// <param name="Story">The minimal run as a story.</param>
public sealed record ShrinkResult(SimulationResult Minimal, int Runs, string Story)
{
    /// <summary>Faults in the minimal schedule: the story's length in steps.</summary>
    public int Steps => Minimal.Plan.Schedule.Count;
}
