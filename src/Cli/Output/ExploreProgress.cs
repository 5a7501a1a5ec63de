using System.Diagnostics;
using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Output;

/// <summary>Shows an exploration's progress while it runs, and keeps what the finished seeds found so that an
/// exploration stopped by Ctrl+C can still be summarized. Explorer reports from its worker threads, so the report bumps
/// two counters (lock-free) for the display and adds the seed's figures under a lock; one thread, the caller's, reads the
/// counters a few times a second and draws: a Spectre progress bar on a live terminal, or an occasional plain line
/// anywhere else (CI logs must not fill with redraws).</summary>
internal sealed class ExploreProgress : IProgress<SimulationResult>
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainLineInterval = TimeSpan.FromSeconds(10);

    private readonly int _seeds;
    private readonly object _gate = new();
    private readonly SimulationStats _finished = new();
    private readonly List<SimulationResult> _failures = [];
    private int _done;
    private int _failing;

    private ExploreProgress(int seeds) => _seeds = seeds;

    /// <summary>Runs <paramref name="explore"/> on a worker thread, showing its progress over <paramref name="seeds"/>
    /// seeds on <paramref name="console"/>, and returns what it found. When <paramref name="explore"/> gives up because
    /// <paramref name="cancellationToken"/> fired, returns what the seeds that finished found, marked interrupted.</summary>
    public static (ExplorationResult Result, bool Interrupted) Show(
        IAnsiConsole console, int seeds, Func<IProgress<SimulationResult>, ExplorationResult> explore, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var progress = new ExploreProgress(seeds);
        // A thread of its own: Parallel.For blocks it until the last seed ends, and the pool is for the seeds.
        var work = Task.Factory.StartNew(() => explore(progress), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (Terminal.IsLive(console))
        {
            progress.DrawBar(console, work);
        }
        else
        {
            progress.PrintLines(console, work);
        }

        try
        {
            return (work.GetAwaiter().GetResult(), false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (progress.SoFar(wall.Elapsed), true);
        }
    }

    /// <inheritdoc />
    public void Report(SimulationResult value)
    {
        lock (_gate)
        {
            _finished.Add(value.Stats);
            if (!value.Passed)
            {
                _failures.Add(value);
            }
        }

        if (!value.Passed)
        {
            Interlocked.Increment(ref _failing);
        }

        Interlocked.Increment(ref _done);
    }

    private string Description => Volatile.Read(ref _failing) is var failing and > 0 ? $"seeds, {failing} failing" : "seeds";

    private ExplorationResult SoFar(TimeSpan wall)
    {
        lock (_gate)
        {
            return new ExplorationResult(_finished, [.. _failures.OrderBy(f => f.Seed)], wall);
        }
    }

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
