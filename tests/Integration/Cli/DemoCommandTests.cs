using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Elsa.Sim.Integration.Tests.Cli;

/// <summary><c>elsa-sim demo</c> end to end: the embedded mock cluster, a group of three, a killed member and a crashing
/// handler, and the per-partition table.</summary>
public sealed partial class DemoCommandTests(ITestOutputHelper output)
{
    [Fact]
    public void Demo_with_600_messages_on_6_partitions_kills_a_member_crashes_a_handler_loses_nothing_and_exits_0()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var clock = Stopwatch.StartNew();

        var exit = Elsa.Sim.Cli.Cli.Run(["demo", "--messages", "600", "--partitions", "6"], stdout, stderr);

        var text = stdout.ToString();
        output.WriteLine(text);
        output.WriteLine(stderr.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the demo took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(0, exit);
        Assert.Contains("lost", text, StringComparison.Ordinal);
        Assert.Contains("killed member 1", text, StringComparison.Ordinal);
        Assert.Contains("threw at offset", text, StringComparison.Ordinal);
        Assert.Contains("PASS: 600 messages, 0 lost", text, StringComparison.Ordinal);
        // Six partition rows and the total: 100 produced each, 0 lost, committed at 100.
        var rows = PartitionRow().Matches(text);
        Assert.Equal(6, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal("100", row.Groups["produced"].Value);
            Assert.Equal("0", row.Groups["lost"].Value);
            Assert.Equal("100", row.Groups["committed"].Value);
        });
        var total = TotalRow().Match(text);
        Assert.True(total.Success, "the table has a total row");
        Assert.Equal("600", total.Groups["produced"].Value);
        Assert.Equal("0", total.Groups["lost"].Value);
    }

    [Fact]
    public void Demo_with_bad_options_names_every_problem_and_exits_2()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = Elsa.Sim.Cli.Cli.Run(["demo", "--messages", "0", "--partitions", "0", "--members", "1"], stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Contains("elsa-sim demo: 3 problems:", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("--messages must be 1 to 1000000 (was 0)", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("--partitions must be 1 to 64 (was 0)", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("--members must be 2 to 8", stderr.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"│\s+(?<partition>\d+) │\s+(?<produced>[\d,]+) │\s+(?<handled>[\d,]+) │\s+(?<duplicates>[\d,]+) │\s+(?<lost>[\d,]+) │\s+(?<committed>[\d,]+) │")]
    private static partial Regex PartitionRow();

    [GeneratedRegex(@"│\s+total │\s+(?<produced>[\d,]+) │\s+(?<handled>[\d,]+) │\s+(?<duplicates>[\d,]+) │\s+(?<lost>[\d,]+) │")]
    private static partial Regex TotalRow();
}
