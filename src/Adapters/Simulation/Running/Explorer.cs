using System.Collections.Concurrent;
using System.Diagnostics;

namespace Elsa.Sim.Simulation;

/// <summary>Runs many seeds, in parallel, and sums what they did. Each seed is an independent single-threaded run, so
/// parallelism changes only the wall time, never a verdict.</summary>
public static class Explorer
{
    /// <summary>Runs seeds <paramref name="firstSeed"/> .. <paramref name="firstSeed"/> + <paramref name="count"/> - 1.</summary>
    /// <param name="options">The shape of every run.</param>
    /// <param name="firstSeed">The first seed.</param>
    /// <param name="count">How many seeds.</param>
    /// <param name="progress">Told after each seed finishes.</param>
    /// <param name="cancellationToken">Stops starting new seeds.</param>
    /// <param name="stopAtFirstFailure">Stop starting new seeds once one fails.</param>
    public static ExplorationResult Explore(
        SimulationOptions options, ulong firstSeed, int count, IProgress<SimulationResult>? progress = null,
        CancellationToken cancellationToken = default, bool stopAtFirstFailure = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        options.EnsureValid();
        var wall = Stopwatch.StartNew();
        var failures = new ConcurrentBag<SimulationResult>();
        var totals = new SimulationStats();
        var gate = new object();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = stop.Token };
        try
        {
            Parallel.For(0, count, parallel, i =>
            {
                var result = Simulator.Run(options, unchecked(firstSeed + (ulong)i));
                lock (gate)
                {
                    totals.Add(result.Stats);
                }

                if (!result.Passed)
                {
                    failures.Add(result);
                    if (stopAtFirstFailure)
                    {
                        stop.Cancel();
                    }
                }

                progress?.Report(result);
            });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // stopAtFirstFailure: the seeds already run are the answer.
        }

        return new ExplorationResult(totals, [.. failures.OrderBy(f => f.Seed)], wall.Elapsed);
    }
}

/// <summary>What an exploration found.</summary>
/// <param name="Totals">Every run's figures, summed.</param>
/// <param name="Failures">The failing runs, by seed.</param>
/// <param name="Wall">How long it took.</param>
public sealed record ExplorationResult(SimulationStats Totals, IReadOnlyList<SimulationResult> Failures, TimeSpan Wall)
{
    /// <summary>Seeds run.</summary>
    public long Seeds => Totals.Runs;

    /// <summary>Failing seeds per violation kind.</summary>
    public IReadOnlyDictionary<string, int> ViolationsByKind =>
        Failures.GroupBy(f => f.Violation!.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
}
