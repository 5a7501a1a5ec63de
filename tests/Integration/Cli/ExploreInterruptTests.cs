using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Cli;

/// <summary><c>elsa-sim explore</c> stopped by Ctrl+C (a cancelled token) in process: it summarizes what finished.</summary>
public sealed partial class ExploreInterruptTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Ctrl_c_during_explore_prints_the_summary_of_the_seeds_that_finished_says_so_and_exits_130()
    {
        using var stdout = new LineWriter();
        using var stderr = new StringWriter();
        using var ctrlC = new CancellationTokenSource();
        var run = Elsa.Sim.Cli.Cli.RunAsync(["explore", "--seeds", "1..100000"], stdout, stderr, ctrlC.Token);

        try
        {
            // Output that is not a terminal gets a progress line every 10 s: by then seeds have finished, and 100,000 have not.
            await WaitUntil(stdout.LineAsync(l => l.Contains("/100000 seeds after", StringComparison.Ordinal)), "explore's first progress line");
        }
        finally
        {
            // Failing or not, the exploration stops here: 100,000 seeds left running would starve the tests after this one.
            await ctrlC.CancelAsync();
        }

        await WaitUntil(run, "explore to stop after Ctrl+C");
        output.WriteLine(stdout.ToString());

        Assert.Equal(130, await run);
        var interrupted = Interrupted().Match(stdout.Lines[^1]);
        Assert.True(interrupted.Success, $"the last line says it was interrupted: {stdout.Lines[^1]}");
        var finished = interrupted.Groups["seeds"].Value;
        Assert.True(long.Parse(finished, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 0, "some seeds finished");
        Assert.Contains(stdout.Lines, l => SeedsRow().Match(l) is { Success: true } row && row.Groups["seeds"].Value == finished);
        Assert.DoesNotContain(stdout.Lines, l => l.StartsWith("PASS", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^INTERRUPTED: (?<seeds>[\d,]+) seeds? of 100,000 finished before Ctrl\+C; ")]
    private static partial Regex Interrupted();

    [GeneratedRegex(@"│ seeds\s+│\s+(?<seeds>[\d,]+) │")]
    private static partial Regex SeedsRow();
}
