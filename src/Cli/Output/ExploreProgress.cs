using System.Diagnostics;
using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Output;

/// <summary>Shows an exploration's progress while it runs. Explorer reports from its worker threads, so the report only
/// bumps two counters (lock-free); one thread, the caller's, reads them a few times a second and draws: a Spectre progress
/// bar on a live terminal, or an occasional plain line anywhere else (CI logs must not fill with redraws).</summary>
internal sealed class ExploreProgress : IProgress<SimulationResult>
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainLineInterval = TimeSpan.FromSeconds(10);

    private readonly int _seeds;
    private int _done;
    private int _failing;

    private ExploreProgress(int seeds) => _seeds = seeds;

    /// <summary>Runs <paramref name="explore"/> on a worker thread, showing its progress over <paramref name="seeds"/>
    /// seeds on <paramref name="console"/>, and returns what it found.</summary>
    public static ExplorationResult Show(IAnsiConsole console, int seeds, Func<IProgress<SimulationResult>, ExplorationResult> explore)
    {
        var progress = new ExploreProgress(seeds);
        var work = Task.Run(() => explore(progress));
        if (Terminal.IsLive(console))
        {
            progress.DrawBar(console, work);
        }
        else
        {
            progress.PrintLines(console, work);
        }

        return work.GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public void Report(SimulationResult value)
    {
        if (!value.Passed)
        {
            Interlocked.Increment(ref _failing);
        }

        Interlocked.Increment(ref _done);
    }

    private string Description => Volatile.Read(ref _failing) is var failing and > 0 ? $"seeds, {failing} failing" : "seeds";

    private void DrawBar(IAnsiConsole console, Task work) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Description, maxValue: _seeds);
                do
                {
                    task.Value = Volatile.Read(ref _done);
                    task.Description = Description;
                }
                while (!Finished(work, RedrawInterval) || task.Value < Volatile.Read(ref _done));
            });

    private void PrintLines(IAnsiConsole console, Task work)
    {
        var wall = Stopwatch.StartNew();
        while (!Finished(work, PlainLineInterval))
        {
            console.WriteLine($"  {Volatile.Read(ref _done)}/{_seeds} {Description} after {wall.Elapsed.TotalSeconds:0} s");
        }
    }

    // Waits without throwing: a failed exploration's exception is rethrown, unwrapped, by Show.
    private static bool Finished(Task work, TimeSpan timeout) => ((IAsyncResult)work).AsyncWaitHandle.WaitOne(timeout);
}
