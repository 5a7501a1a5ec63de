using Elsa.Sim.Cli;
using Elsa.Sim.Cli.Commands;
using Elsa.Sim.Cli.Output;
using Elsa.Sim.PlantedBugs;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Cli;

/// <summary><c>elsa-sim check</c>, called in-process: what it prints and its exit codes.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public void Checking_small_bounds_prints_the_bounds_and_figures_then_passes()
    {
        var run = Run("check", "--members", "1", "--partitions", "1", "--messages", "2", "--max-faults", "1");

        Assert.Equal(ExitCodes.Passed, run.Code);
        Assert.StartsWith("CHECK members=1 partitions=1 messages=2 max_faults=1 max_depth=100", run.Output, StringComparison.Ordinal);
        foreach (var figure in new[] { "states visited", "transitions", "max depth reached", "wall time", "states per second" })
        {
            Assert.Contains(figure, run.Output, StringComparison.Ordinal);
        }

        Assert.Matches(@"complete\s+│\s+yes", run.Output);
        Assert.Contains("PASS: no violation in every one of the", run.Output, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void A_check_cut_by_the_depth_bound_passes_and_says_it_is_incomplete()
    {
        var run = Run("check", "--members", "1", "--partitions", "1", "--max-depth", "4");

        Assert.Equal(ExitCodes.Passed, run.Code);
        Assert.Contains("no: worlds at depth 4 had more to do", run.Output, StringComparison.Ordinal);
        Assert.Contains("up to depth 4", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-depth", "4", "worlds at depth 4 (--max-depth) had more to do")]
    [InlineData("--max-states", "10", "visited before the state limit (--max-states 10)")]
    public void A_check_cut_short_with_require_complete_exits_7_and_says_why(string bound, string value, string why)
    {
        var run = Run("check", "--members", "1", "--partitions", "1", bound, value, "--require-complete");

        Assert.Equal(ExitCodes.CheckIncomplete, run.Code);
        Assert.Contains($"INCOMPLETE: no violation in ", run.Output, StringComparison.Ordinal);
        Assert.Contains(why, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PASS", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_check_cut_by_the_time_limit_with_require_complete_exits_7()
    {
        var bounds = new CheckBounds();
        using var output = new StringWriter();

        var code = CheckCommand.Run(Terminal.For(output), new GroupMachine(bounds.Config()), bounds, TimeSpan.Zero, CancellationToken.None, requireComplete: true);

        Assert.Equal(ExitCodes.CheckIncomplete, code);
        Assert.Contains("visited before the time limit (--time-limit-s)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_complete_check_with_require_complete_passes()
    {
        var run = Run("check", "--members", "1", "--partitions", "1", "--require-complete");

        Assert.Equal(ExitCodes.Passed, run.Code);
        Assert.Contains("PASS: no violation in every one of the", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_violation_prints_its_shortest_path_as_a_numbered_story_and_exits_1()
    {
        var bounds = new CheckBounds { Members = 1, Partitions = 1, Messages = 1, Faults = 0 };
        using var output = new StringWriter();

        var code = CheckCommand.Run(Terminal.For(output), PlantedBug.Named(nameof(CommitsBeforeHandling)).Machine!(bounds.Config()), bounds, null, CancellationToken.None);

        Assert.Equal(ExitCodes.Violation, code);
        var text = output.ToString();
        Assert.Contains($"FAIL: {ViolationKinds.CommitPastUnhandled}: ", text, StringComparison.Ordinal);
        Assert.Contains("shortest path (6 steps):", text, StringComparison.Ordinal);
        Assert.Contains("   1. the coordinator assigns generation 1: t/0 to member 0", text, StringComparison.Ordinal);
        Assert.Contains("   6. member 0's clock reaches its next deadline, 5000 ms", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_bound_is_named_at_once_and_exits_2()
    {
        var run = Run("check", "--members", "0", "--max-faults", "-1", "--begin-offset", "5", "--reset-policy", "sideways", "--time-limit-s", "0");

        Assert.Equal(ExitCodes.Usage, run.Code);
        Assert.Contains("--members must be between 1 and 4 (was 0)", run.Error, StringComparison.Ordinal);
        Assert.Contains("--max-faults must be between 0 and 20 (was -1)", run.Error, StringComparison.Ordinal);
        Assert.Contains("--begin-offset must be earliest, latest or 0 (was 5)", run.Error, StringComparison.Ordinal);
        Assert.Contains("--reset-policy must be earliest or latest (was 'sideways')", run.Error, StringComparison.Ordinal);
        Assert.Contains("--time-limit-s must be at least 1 (was 0)", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Theory]
    [InlineData("check", "--messages", "many")]
    [InlineData("check", "--begin-offset", "sideways")]
    [InlineData("check", "--faults", "1")] // the count is --max-faults: explore's --faults is a list of fault kinds
    public void A_check_command_line_that_does_not_parse_exits_2(params string[] args)
    {
        var run = Run(args);

        Assert.Equal(ExitCodes.Usage, run.Code);
        Assert.NotEqual("", run.Error);
    }

    [Fact]
    public void A_check_stopped_by_ctrl_c_prints_what_it_visited_and_exits_130()
    {
        var bounds = new CheckBounds();
        using var output = new StringWriter();

        var code = CheckCommand.Run(Terminal.For(output), new GroupMachine(bounds.Config()), bounds, null, new CancellationToken(canceled: true));

        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.Contains("states visited", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("INTERRUPTED: no violation in the 1 state visited before Ctrl+C", output.ToString(), StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = global::Elsa.Sim.Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
