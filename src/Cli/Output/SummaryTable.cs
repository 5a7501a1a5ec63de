using Elsa.Sim.Simulation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Elsa.Sim.Cli.Output;

/// <summary>The table an exploration (or a merge of shards' summaries) ends with: how much was simulated and how fast,
/// what the messages went through, what was violated, and how often each fault fired.</summary>
internal static class SummaryTable
{
    private const int FailingSeedsShown = 10;

    public static void Render(IAnsiConsole console, ExplorationSummary summary)
    {
        var totals = SimulationStats.FromFigures(summary.Figures);
        var wall = TimeSpan.FromMilliseconds(summary.WallMs);
        var table = new Table()
            .Title("exploration summary")
            .AddColumn("measure")
            .AddColumn(new TableColumn("value").RightAligned());

        Row(table, "seeds", Format.Count(summary.Seeds));
        Row(table, "failing seeds", FailingSeeds(summary.Failures));
        Row(table, "simulated events", Format.Count(totals.Events));
        Row(table, "machine steps", Format.Count(totals.Steps));
        Row(table, "simulated time", Format.Virtual(totals.SimulatedMs));
        Row(table, "wall time", Format.Wall(wall));
        Row(table, "events per second (wall)", Format.Rate(totals.Events, wall));
        Row(table, "seeds per second (wall)", Format.Rate(summary.Seeds, wall));
        table.AddEmptyRow();

        Row(table, "messages produced", Format.Count(totals.MessagesProduced));
        Row(table, "messages handled", Format.Count(totals.MessagesHandled));
        Row(table, "messages duplicated", Format.Count(totals.Duplicates));
        Row(table, "messages dead-lettered (policy)", Format.Count(totals.DeadLettered));
        Row(table, "messages lost", Format.Count(totals.Lost));
        Row(table, "messages expired (retention)", Format.Count(totals.Expired));
        Row(table, "messages skipped by offset resets", Format.Count(totals.SkippedByReset));
        Row(table, "partitions left parked (policy)", Format.Count(totals.PartitionsParked));
        Row(table, "partitions still draining at the end", Format.Count(totals.PartitionsBehind));
        Row(table, "member failures", Format.Count(totals.MemberFailures));
        table.AddEmptyRow();

        if (summary.Failures.Count == 0)
        {
            Row(table, "violations", "none");
        }

        foreach (var kind in summary.Failures.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Row(table, $"violation {kind.Key}", Format.Count(kind.Count(), "seed"));
        }

        table.AddEmptyRow();
        foreach (var (setting, seeds) in totals.SettingsDrawn)
        {
            Row(table, $"drawn {setting}", Format.Count(seeds, "seed"));
        }

        table.AddEmptyRow();
        var faults = summary.Options.Faults.Distinct().Order().ToList();
        if (faults.Count == 0)
        {
            Row(table, "faults fired", "none (--faults none)");
        }

        foreach (var kind in faults)
        {
            Row(table, $"fault {kind}", Format.Count(totals.FaultsFired(kind)));
        }

        console.Write(table);
    }

    private static string FailingSeeds(IReadOnlyList<FailingSeed> failures)
    {
        if (failures.Count == 0)
        {
            return "0";
        }

        var shown = string.Join(", ", failures.Take(FailingSeedsShown).Select(f => f.Seed));
        var more = failures.Count > FailingSeedsShown ? $", and {failures.Count - FailingSeedsShown} more" : "";
        return $"{Format.Count(failures.Count)}: {shown}{more}";
    }

    /// <summary>Adds a row of two cells, as text, not markup: violation kinds and seeds must print as they are, brackets
    /// and all.</summary>
    internal static void Row(Table table, string measure, string value) =>
        table.AddRow(new IRenderable[] { new Text(measure), new Text(value) });
}
