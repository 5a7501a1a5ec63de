using System.Text.Json;
using System.Text.RegularExpressions;
using Elsa.Sim.Properties.Tests.Timeline;

namespace Elsa.Sim.Properties.Tests.Cli;

/// <summary>elsa-sim, called in-process: exit codes, what it prints, and traces that replay. Fewer than 50 seeds in all.</summary>
public sealed partial class CliTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"elsa-sim-cli-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void An_unknown_fault_name_is_bad_usage_and_is_named()
    {
        var run = Run("explore", "--seeds", "1", "--faults", "MemberCrash,no-such-fault");

        Assert.Equal(2, run.Code);
        Assert.Contains("'no-such-fault'", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Every_problem_on_the_command_line_is_reported_at_once()
    {
        var run = Run("explore", "--seeds", "-4", "--members", "0", "--protocol", "sideways");

        Assert.Equal(2, run.Code);
        Assert.Contains("--seeds must be at least 1 (was -4)", run.Error, StringComparison.Ordinal);
        Assert.Contains("members must be between 1 and 50 (was 0)", run.Error, StringComparison.Ordinal);
        Assert.Contains("'sideways'", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explore", "--seeds", "many")]
    [InlineData("explore", "--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData("shrink")]
    public void A_command_line_that_does_not_parse_exits_2(params string[] args)
    {
        var run = Run(args);

        Assert.Equal(2, run.Code);
        Assert.NotEqual("", run.Error);
    }

    [Fact]
    public void Seed_cannot_be_combined_with_a_count_of_seeds()
    {
        var run = Run("explore", "--seed", "5", "--seeds", "10");

        Assert.Equal(2, run.Code);
        Assert.Contains("--seed", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Exploring_20_seeds_passes_and_summarizes_them_in_plain_text()
    {
        var run = Run("explore", "--seeds", "20");

        Assert.Equal(0, run.Code);
        Assert.StartsWith("SEED=1..20 (20 seeds)", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"seeds\s+│\s+20\s", run.Output);
        Assert.Contains("simulated events", run.Output, StringComparison.Ordinal);
        Assert.Contains("fault MemberCrash", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Output);
    }

    [Fact]
    public void A_seed_explored_with_a_trace_dir_replays_from_its_trace_to_the_same_hash()
    {
        var explored = Run("explore", "--seed", "5", "--trace-dir", _directory);
        var trace = Path.Combine(_directory, "seed-5.jsonl");

        Assert.Equal(0, explored.Code);
        Assert.True(File.Exists(trace));
        var hash = Hash().Match(explored.Output).Value;

        var replayed = Run("replay", trace);

        Assert.Equal(0, replayed.Code);
        Assert.Contains($"replay hash:  {hash}", replayed.Output, StringComparison.Ordinal);
        Assert.Contains($"file hash:    {hash}", replayed.Output, StringComparison.Ordinal);
        Assert.Contains("the replay matches the trace file", replayed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_edited_after_it_was_written_no_longer_replays_and_exits_3()
    {
        var trace = Recorded(seed: 7);
        var lines = File.ReadAllLines(trace);
        File.WriteAllLines(trace, lines.Where((_, i) => i != 2));

        var replayed = Run("replay", trace);

        Assert.Equal(3, replayed.Code);
        Assert.Contains("DIFFERS", replayed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Shrinking_a_passing_trace_says_so_and_exits_0()
    {
        var trace = Path.Combine(_directory, "seed-9.jsonl");
        Assert.Equal(0, Run("explore", "--seed", "9", "--trace-dir", _directory).Code);

        var shrunk = Run("shrink", trace);

        Assert.Equal(0, shrunk.Code);
        Assert.Contains("nothing to shrink", shrunk.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "seed-9.shrunk.jsonl")));
    }

    [Fact]
    public void A_missing_trace_file_is_bad_usage()
    {
        var run = Run("replay", Path.Combine(_directory, "absent.jsonl"));

        Assert.Equal(2, run.Code);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_with_html_writes_a_self_contained_timeline_of_the_seed()
    {
        var page = Path.Combine(_directory, "seed-5.html");

        var run = Run("replay", "--seed", "5", "--html", page);

        Assert.Equal(0, run.Code);
        Assert.Contains($"timeline: {page}", run.Output, StringComparison.Ordinal);
        var html = File.ReadAllText(page);
        Assert.Contains("data-lane=\"member:2\"", html, StringComparison.Ordinal);
        Assert.Contains("data-lane=\"partition:topic-1/5\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_of_one_seed_with_html_writes_that_seeds_timeline()
    {
        var page = Path.Combine(_directory, "explore-5.html");

        var run = Run("explore", "--seed", "5", "--html", page);

        Assert.Equal(0, run.Code);
        Assert.Contains("verdict: pass", File.ReadAllText(page), StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_with_html_draws_a_failing_trace_it_cannot_run_again_with_the_violation_highlighted_and_exits_4()
    {
        using var trace = new FailingRunTrace();
        var page = Path.Combine(_directory, "failing.html");

        var run = Run("replay", trace.Path, "--html", page);

        Assert.Equal(4, run.Code);
        Assert.Contains($"timeline: {page}", run.Output, StringComparison.Ordinal);
        Assert.Contains($"recorded verdict: {trace.Result.Violation}", run.Output, StringComparison.Ordinal);
        Assert.Contains("could not replay: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("'CommitsBeforeHandling'", run.Output, StringComparison.Ordinal);
        var html = File.ReadAllText(page);
        Assert.Contains("id=\"violation\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"lane violated\"", html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(trace.Result.Violation!.Detail), html, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_without_html_refuses_a_trace_of_another_machine_as_bad_usage()
    {
        using var trace = new FailingRunTrace();

        var run = Run("replay", trace.Path);

        Assert.Equal(2, run.Code);
        Assert.Contains("'CommitsBeforeHandling'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Exploring_with_html_and_no_violation_says_that_nothing_was_drawn()
    {
        var page = Path.Combine(_directory, "nothing.html");

        var run = Run("explore", "--seeds", "3", "--html", page);

        Assert.Equal(0, run.Code);
        Assert.Contains($"no violation, so no timeline was drawn to {page}", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(page));
    }

    [Fact]
    public void Every_bad_pin_is_named_at_once()
    {
        var run = Run("explore", "--seeds", "1", "--begin-offset", "soon", "--reset-policy", "never", "--direct-ack", "maybe",
            "--when-exhausted", "retry", "--membership", "sometimes");

        Assert.Equal(2, run.Code);
        Assert.Contains("--begin-offset: 'soon' is not earliest, latest or an offset of 0 or more", run.Error, StringComparison.Ordinal);
        Assert.Contains("--reset-policy: 'never' is not earliest or latest", run.Error, StringComparison.Ordinal);
        Assert.Contains("--direct-ack: 'maybe' is not on or off", run.Error, StringComparison.Ordinal);
        Assert.Contains("--when-exhausted: 'retry' is not fail, park or dead-letter", run.Error, StringComparison.Ordinal);
        Assert.Contains("--membership: 'sometimes' is not static or dynamic", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("static")]
    [InlineData("dynamic")]
    public void A_pinned_membership_is_what_every_seed_runs(string membership)
    {
        var run = Run("explore", "--seeds", "4", "--membership", membership);

        Assert.Equal(0, run.Code);
        Assert.Contains($"membership={membership}", run.Output, StringComparison.Ordinal);
        Assert.Matches($@"drawn membership={membership}\s+│\s+4 seeds", run.Output);
        Assert.DoesNotContain($"drawn membership={(membership == "static" ? "dynamic" : "static")}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Three_shards_merged_add_up_to_the_figures_of_one_run_over_their_seeds()
    {
        Directory.CreateDirectory(_directory);
        string In(string file) => Path.Combine(_directory, file);
        Assert.Equal(0, Run("explore", "--seeds", "1..9", "--json", In("whole.json")).Code);
        var shards = new List<string>();
        for (var k = 1; k <= 3; k++)
        {
            var shard = Run("explore", "--seeds", "1..9", "--shard", $"{k}/3", "--json", In($"shard-{k}.json"));
            Assert.Equal(0, shard.Code);
            Assert.StartsWith($"SEED={(3 * k) - 2}..{3 * k} (3 seeds, shard {k}/3 of 1..9)", shard.Output, StringComparison.Ordinal);
            shards.Add(In($"shard-{k}.json"));
        }

        var merged = Run(["merge", .. shards, "--json", In("merged.json")]);

        Assert.Equal(0, merged.Code);
        Assert.StartsWith("SEED=1..9 (9 seeds from 3 summaries)", merged.Output, StringComparison.Ordinal);
        Assert.Contains("PASS: 9 seeds, no violation", merged.Output, StringComparison.Ordinal);
        using var whole = JsonDocument.Parse(File.ReadAllText(In("whole.json")));
        using var sum = JsonDocument.Parse(File.ReadAllText(In("merged.json")));
        var figures = Figures(whole);
        Assert.Equal(9, figures["runs"]);
        Assert.True(figures["events"] > 0 && figures["messagesHandled"] > 0, "the run simulated something");
        Assert.Equal(figures, Figures(sum));
        Assert.Equal(whole.RootElement.GetProperty("options").GetRawText(), sum.RootElement.GetProperty("options").GetRawText());
    }

    [Fact]
    public void Merge_refuses_overlapping_seeds_other_shapes_and_files_that_are_not_summaries()
    {
        Directory.CreateDirectory(_directory);
        string In(string file) => Path.Combine(_directory, file);
        Assert.Equal(0, Run("explore", "--seeds", "1..2", "--json", In("a.json")).Code);
        Assert.Equal(0, Run("explore", "--seeds", "2..3", "--json", In("b.json")).Code);
        Assert.Equal(0, Run("explore", "--seeds", "4..4", "--members", "2", "--json", In("c.json")).Code);
        File.WriteAllText(In("d.json"), "{\"not\": \"a summary\"}");

        var run = Run("merge", In("a.json"), In("b.json"), In("c.json"), In("d.json"));

        Assert.Equal(2, run.Code);
        Assert.Contains($"{In("d.json")} is not an exploration summary", run.Error, StringComparison.Ordinal);
        var shapes = Run("merge", In("a.json"), In("b.json"), In("c.json"));
        Assert.Equal(2, shapes.Code);
        Assert.Contains($"{In("c.json")} explored another shape than {In("a.json")}", shapes.Error, StringComparison.Ordinal);
        Assert.Contains($"{In("a.json")} (seeds 1..2) and {In("b.json")} (seeds 2..3) overlap", shapes.Error, StringComparison.Ordinal);
        Assert.Equal("", shapes.Output);
    }

    [Theory]
    [InlineData("--seeds 10 --shard 3", "--shard takes K/N, the K-th of N slices with K from 1 to N, like 3/8 (was '3')")]
    [InlineData("--seeds 10 --shard 0/3", "--shard 0/3: K must be from 1 to N, and N at least 1")]
    [InlineData("--seeds 10 --shard 4/3", "--shard 4/3: K must be from 1 to N, and N at least 1")]
    [InlineData("--seeds 2 --shard 1/3", "--shard 1/3: 3 slices of 2 seeds would leave some empty")]
    [InlineData("--seed 4 --shard 1/2", "--shard slices a range of seeds; it cannot be combined with --seed")]
    public void A_bad_shard_says_what_is_wrong_with_it(string args, string problem)
    {
        var run = Run(["explore", .. args.Split(' ')]);

        Assert.Equal(2, run.Code);
        Assert.Contains(problem, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Seeds_takes_an_inclusive_range_and_runs_exactly_those_seeds()
    {
        var run = Run("explore", "--seeds", "3..5");

        Assert.Equal(0, run.Code);
        Assert.StartsWith("SEED=3..5 (3 seeds)", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"seeds\s+│\s+3\s", run.Output);
    }

    [Theory]
    [InlineData("--seeds 9..2", "--seeds 9..2: the range ends before it starts")]
    [InlineData("--seeds 1..x", "--seeds takes a count of seeds (like 1000) or an inclusive range of seeds A..B (like 1..50), with seeds from 0 to 18446744073709551615 (was '1..x')")]
    [InlineData("--seeds 1..5 --first-seed 3", "--seeds 1..5 names its first seed; it cannot be combined with --first-seed")]
    public void A_bad_seed_range_says_what_is_wrong_with_it(string args, string problem)
    {
        var run = Run(["explore", .. args.Split(' ')]);

        Assert.Equal(2, run.Code);
        Assert.Contains(problem, run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explore --seeds many", "--seeds takes a count of seeds (like 1000) or an inclusive range of seeds A..B (like 1..50) (was 'many')")]
    [InlineData("explore --members three", "--members takes a whole number (was 'three')")]
    [InlineData("explore --seed -1", "--seed takes a whole number from 0 to 18446744073709551615 (was '-1')")]
    [InlineData("replay --seed x", "--seed takes a whole number from 0 to 18446744073709551615 (was 'x')")]
    [InlineData("demo --messages lots", "--messages takes a whole number (was 'lots')")]
    [InlineData("explore --duration-ms", "--duration-ms needs a value (number): The fault window")]
    [InlineData("explore --bogus", "unknown option '--bogus' for elsa-sim explore (its options are --seeds, --seed, --first-seed,")]
    [InlineData("shrink", "elsa-sim shrink needs trace-file: A trace written by explore, replay or shrink.")]
    public void A_parse_error_names_the_option_and_the_form_it_takes_in_plain_words(string args, string problem)
    {
        var run = Run(args.Split(' '));

        Assert.Equal(2, run.Code);
        Assert.Contains(problem, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_command_is_named_and_the_commands_are_listed()
    {
        var run = Run("no-such-command");

        Assert.Equal(2, run.Code);
        Assert.Equal(
            ["elsa-sim: 1 problem:", "  - unknown command 'no-such-command': the commands are explore, replay, shrink, merge, check, demo, consume, broker",
                "Run 'elsa-sim --help' for usage."],
            run.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void No_command_at_all_lists_the_commands()
    {
        var run = Run();

        Assert.Equal(2, run.Code);
        Assert.Contains("no command given: the commands are explore, replay, shrink, merge, check, demo, consume, broker", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_cut_off_inside_a_line_is_reported_as_truncated_with_its_file_and_line_and_exits_2()
    {
        var trace = Recorded(seed: 11);
        var lines = File.ReadAllLines(trace);
        File.WriteAllText(trace, string.Join("\n", lines.Take(4)) + "\n" + lines[4][..(lines[4].Length / 2)]);

        var replayed = Run("replay", trace);

        Assert.Equal(2, replayed.Code);
        Assert.Contains($"trace file '{trace}' is truncated or corrupt: line 5 is not a complete trace record", replayed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("DIFFERS", replayed.Output, StringComparison.Ordinal);
        // Nothing of the JSON reader's own message ("… LineNumber: 0 | BytePositionInLine: 57.").
        Assert.DoesNotContain("BytePosition", replayed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", replayed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_cut_off_between_lines_is_reported_as_truncated_not_as_a_replay_that_differs()
    {
        var trace = Recorded(seed: 12);
        var lines = File.ReadAllLines(trace);
        File.WriteAllLines(trace, lines.Take(lines.Length / 2));

        var replayed = Run("replay", trace);
        var shrunk = Run("shrink", trace);

        Assert.Equal(2, replayed.Code);
        Assert.Contains($"trace file '{trace}' is truncated: it ends at line {lines.Length / 2} without the verdict line every trace ends with", replayed.Error, StringComparison.Ordinal);
        Assert.Equal(2, shrunk.Code);
        Assert.Contains("is truncated", shrunk.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_whose_header_is_cut_off_is_reported_as_truncated_at_line_1_even_with_html()
    {
        var trace = Recorded(seed: 13);
        File.WriteAllText(trace, File.ReadAllLines(trace)[0][..40]);

        var replayed = Run("replay", trace, "--html", Path.Combine(_directory, "seed-13.html"));

        Assert.Equal(2, replayed.Code);
        Assert.Contains($"trace file '{trace}' is truncated or corrupt: line 1 is not a complete trace record", replayed.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "seed-13.html")));
    }

    /// <summary>The trace of <paramref name="seed"/>, written by <c>replay --seed --out</c> into the test's folder.</summary>
    private string Recorded(int seed)
    {
        var trace = Path.Combine(_directory, $"seed-{seed}.jsonl");
        Assert.Equal(0, Run("replay", "--seed", $"{seed}", "--out", trace).Code);
        return trace;
    }

    private static Dictionary<string, long> Figures(JsonDocument summary) =>
        summary.RootElement.GetProperty("figures").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetInt64());

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = global::Elsa.Sim.Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex Hash();
}
